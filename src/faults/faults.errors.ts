import { errorClass } from '../common/errors/domain-error';

export enum FaultErrorCode {
  FAULT_NOT_FOUND = 'FAULT_NOT_FOUND',
  FAULT_ILLEGAL_TRANSITION = 'FAULT_ILLEGAL_TRANSITION',
  FAULT_FEEDBACK_NOT_ALLOWED = 'FAULT_FEEDBACK_NOT_ALLOWED',
  FAULT_FEEDBACK_GIVEN = 'FAULT_FEEDBACK_GIVEN',
  FAULT_CLOSED = 'FAULT_CLOSED',
  FAULT_GREEN_CHANNEL_NEEDS_DIRECTOR = 'FAULT_GREEN_CHANNEL_NEEDS_DIRECTOR',
  FAULT_CUSTOMER_ARCHIVED = 'FAULT_CUSTOMER_ARCHIVED',
  FAULT_ALREADY_LINKED = 'FAULT_ALREADY_LINKED',
}

export const FaultError = errorClass<FaultErrorCode>('FaultError', {
  FAULT_NOT_FOUND: 'not_found',
  FAULT_ILLEGAL_TRANSITION: 'conflict',
  FAULT_FEEDBACK_NOT_ALLOWED: 'conflict',
  FAULT_FEEDBACK_GIVEN: 'conflict',
  FAULT_CLOSED: 'conflict',
  FAULT_GREEN_CHANNEL_NEEDS_DIRECTOR: 'forbidden',
  FAULT_CUSTOMER_ARCHIVED: 'conflict',
  FAULT_ALREADY_LINKED: 'conflict',
});

export const faultNotFound = (id: string) => new FaultError(FaultErrorCode.FAULT_NOT_FOUND, `No fault ${id}`);
