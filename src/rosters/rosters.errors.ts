import { errorClass } from '../common/errors/domain-error';

export enum RosterErrorCode {
  SHIFT_NOT_FOUND = 'SHIFT_NOT_FOUND',
  /** The caller may see the region but may not change its roster (a director of another region). */
  ROSTER_REGION_FORBIDDEN = 'ROSTER_REGION_FORBIDDEN',
}

export const RosterError = errorClass<RosterErrorCode>('RosterError', {
  SHIFT_NOT_FOUND: 'not_found',
  ROSTER_REGION_FORBIDDEN: 'forbidden',
});

export const shiftNotFound = (id: string) => new RosterError(RosterErrorCode.SHIFT_NOT_FOUND, `No roster shift ${id}`);

export const rosterRegionForbidden = (region: string) =>
  new RosterError(RosterErrorCode.ROSTER_REGION_FORBIDDEN, `Only admins and directors whose scope covers ${region} change its roster`);
