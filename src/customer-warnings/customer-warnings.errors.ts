import { errorClass } from '../common/errors/domain-error';

export enum CustomerWarningErrorCode {
  /** No such warning, or one the caller may not see (another region's customer, not one's own customer). */
  CUSTOMER_WARNING_NOT_FOUND = 'CUSTOMER_WARNING_NOT_FOUND',
  /** The caller sees the warning but may not acknowledge it (an agent). */
  CUSTOMER_WARNING_ACK_FORBIDDEN = 'CUSTOMER_WARNING_ACK_FORBIDDEN',
  CUSTOMER_WARNING_EVALUATION_NOT_FOUND = 'CUSTOMER_WARNING_EVALUATION_NOT_FOUND',
}

export const CustomerWarningError = errorClass<CustomerWarningErrorCode>('CustomerWarningError', {
  CUSTOMER_WARNING_NOT_FOUND: 'not_found',
  CUSTOMER_WARNING_ACK_FORBIDDEN: 'forbidden',
  CUSTOMER_WARNING_EVALUATION_NOT_FOUND: 'not_found',
});
