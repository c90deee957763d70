import { errorClass } from '../common/errors/domain-error';

export enum SupportErrorCode {
  SUPPORT_NOT_FOUND = 'SUPPORT_NOT_FOUND',
  SUPPORT_ILLEGAL_TRANSITION = 'SUPPORT_ILLEGAL_TRANSITION',
  SUPPORT_FEEDBACK_NOT_ALLOWED = 'SUPPORT_FEEDBACK_NOT_ALLOWED',
  SUPPORT_FEEDBACK_GIVEN = 'SUPPORT_FEEDBACK_GIVEN',
  SUPPORT_CLOSED = 'SUPPORT_CLOSED',
  SUPPORT_CUSTOMER_ARCHIVED = 'SUPPORT_CUSTOMER_ARCHIVED',
  SUPPORT_GREEN_CHANNEL_NEEDS_DIRECTOR = 'SUPPORT_GREEN_CHANNEL_NEEDS_DIRECTOR',
}

export const SupportError = errorClass<SupportErrorCode>('SupportError', {
  SUPPORT_NOT_FOUND: 'not_found',
  SUPPORT_ILLEGAL_TRANSITION: 'conflict',
  SUPPORT_FEEDBACK_NOT_ALLOWED: 'conflict',
  SUPPORT_FEEDBACK_GIVEN: 'conflict',
  SUPPORT_CLOSED: 'conflict',
  SUPPORT_CUSTOMER_ARCHIVED: 'conflict',
  SUPPORT_GREEN_CHANNEL_NEEDS_DIRECTOR: 'forbidden',
});

export const supportNotFound = (id: string) => new SupportError(SupportErrorCode.SUPPORT_NOT_FOUND, `No support request ${id}`);
