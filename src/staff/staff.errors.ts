import { errorClass } from '../common/errors/domain-error';

export enum StaffErrorCode {
  STAFF_NOT_FOUND = 'STAFF_NOT_FOUND',
  STAFF_USERNAME_TAKEN = 'STAFF_USERNAME_TAKEN',
  STAFF_CANNOT_DEACTIVATE_SELF = 'STAFF_CANNOT_DEACTIVATE_SELF',
}

export const StaffError = errorClass<StaffErrorCode>('StaffError', {
  STAFF_NOT_FOUND: 'not_found',
  STAFF_USERNAME_TAKEN: 'conflict',
  STAFF_CANNOT_DEACTIVATE_SELF: 'conflict',
});
