import { errorClass } from '../common/errors/domain-error';

export enum InquiryErrorCode {
  INQUIRY_NOT_FOUND = 'INQUIRY_NOT_FOUND',
  INQUIRY_ILLEGAL_ACTION = 'INQUIRY_ILLEGAL_ACTION',
  INQUIRY_REGION_OUT_OF_SCOPE = 'INQUIRY_REGION_OUT_OF_SCOPE',
  INQUIRY_CUSTOMER_ARCHIVED = 'INQUIRY_CUSTOMER_ARCHIVED',
  INQUIRY_NO_CUSTOMER = 'INQUIRY_NO_CUSTOMER',
}

export const InquiryError = errorClass<InquiryErrorCode>('InquiryError', {
  INQUIRY_NOT_FOUND: 'not_found',
  INQUIRY_ILLEGAL_ACTION: 'conflict',
  INQUIRY_REGION_OUT_OF_SCOPE: 'forbidden',
  INQUIRY_CUSTOMER_ARCHIVED: 'conflict',
  INQUIRY_NO_CUSTOMER: 'conflict',
});

export const inquiryNotFound = (id: string) => new InquiryError(InquiryErrorCode.INQUIRY_NOT_FOUND, `No inquiry ${id}`);
