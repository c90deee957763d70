import { errorClass } from '../common/errors/domain-error';

export enum EscalationErrorCode {
  /** The path names no GB/T 2260 region (nor CN). */
  ESCALATION_REGION_NOT_FOUND = 'ESCALATION_REGION_NOT_FOUND',
  /** DELETE on a region that has no policy of its own (it inherits already). */
  ESCALATION_POLICY_NOT_FOUND = 'ESCALATION_POLICY_NOT_FOUND',
  /** The national policy is where inheritance ends: it is edited, never removed. */
  ESCALATION_ROOT_REQUIRED = 'ESCALATION_ROOT_REQUIRED',
}

export const EscalationError = errorClass<EscalationErrorCode>('EscalationError', {
  ESCALATION_REGION_NOT_FOUND: 'not_found',
  ESCALATION_POLICY_NOT_FOUND: 'not_found',
  ESCALATION_ROOT_REQUIRED: 'conflict',
});
