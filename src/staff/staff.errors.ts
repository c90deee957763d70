import { errorClass } from '../common/errors/domain-error';

export enum StaffErrorCode {
  STAFF_NOT_FOUND = 'STAFF_NOT_FOUND',
  STAFF_USERNAME_TAKEN = 'STAFF_USERNAME_TAKEN',
  STAFF_CANNOT_DEACTIVATE_SELF = 'STAFF_CANNOT_DEACTIVATE_SELF',
  STAFF_CANNOT_DEMOTE_SELF = 'STAFF_CANNOT_DEMOTE_SELF',
  STAFF_NOT_ENGINEER = 'STAFF_NOT_ENGINEER',
}

export const StaffError = errorClass<StaffErrorCode>('StaffError', {
  STAFF_NOT_FOUND: 'not_found',
  STAFF_USERNAME_TAKEN: 'conflict',
  STAFF_CANNOT_DEACTIVATE_SELF: 'conflict',
  STAFF_CANNOT_DEMOTE_SELF: 'conflict',
  STAFF_NOT_ENGINEER: 'conflict',
});
