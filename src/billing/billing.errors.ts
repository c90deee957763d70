import { errorClass } from '../common/errors/domain-error';

export enum BillingErrorCode {
  BILLING_CUSTOMER_NOT_FOUND = 'BILLING_CUSTOMER_NOT_FOUND',
  BILL_NOT_FOUND = 'BILL_NOT_FOUND',
  BILL_RUN_NOT_FOUND = 'BILL_RUN_NOT_FOUND',
  PAYMENT_NOT_FOUND = 'PAYMENT_NOT_FOUND',
  CHARGE_SOURCE_REF_CONFLICT = 'CHARGE_SOURCE_REF_CONFLICT',
  PAYMENT_ALREADY_REVERSED = 'PAYMENT_ALREADY_REVERSED',
  REGION_OUT_OF_SCOPE = 'REGION_OUT_OF_SCOPE',
  BILL_RUN_NEEDS_NATIONWIDE_SCOPE = 'BILL_RUN_NEEDS_NATIONWIDE_SCOPE',
}

export const BillingError = errorClass<BillingErrorCode>('BillingError', {
  BILLING_CUSTOMER_NOT_FOUND: 'not_found',
  BILL_NOT_FOUND: 'not_found',
  BILL_RUN_NOT_FOUND: 'not_found',
  PAYMENT_NOT_FOUND: 'not_found',
  CHARGE_SOURCE_REF_CONFLICT: 'conflict',
  PAYMENT_ALREADY_REVERSED: 'conflict',
  REGION_OUT_OF_SCOPE: 'forbidden',
  BILL_RUN_NEEDS_NATIONWIDE_SCOPE: 'forbidden',
});

export const billingCustomerNotFound = (id: string) => new BillingError(BillingErrorCode.BILLING_CUSTOMER_NOT_FOUND, `No customer ${id}`);
