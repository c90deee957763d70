import { errorClass } from '../common/errors/domain-error';

export enum AlertErrorCode {
  ALERT_NOT_FOUND = 'ALERT_NOT_FOUND',
}

export const AlertError = errorClass<AlertErrorCode>('AlertError', { ALERT_NOT_FOUND: 'not_found' });
