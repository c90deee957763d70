import { errorClass } from '../common/errors/domain-error';

export enum SlaErrorCode {
  SLA_POLICY_NOT_FOUND = 'SLA_POLICY_NOT_FOUND',
}

export const SlaError = errorClass<SlaErrorCode>('SlaError', { SLA_POLICY_NOT_FOUND: 'not_found' });
