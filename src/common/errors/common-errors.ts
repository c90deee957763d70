import { errorClass } from './domain-error';

export enum CommonErrorCode {
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  MALFORMED_REQUEST = 'MALFORMED_REQUEST',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  STALE_VERSION = 'STALE_VERSION',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_KEY_IN_PROGRESS = 'IDEMPOTENCY_KEY_IN_PROGRESS',
  RATE_LIMITED = 'RATE_LIMITED',
}

export const CommonError = errorClass<CommonErrorCode>('CommonError', {
  VALIDATION_FAILED: 'bad_request',
  MALFORMED_REQUEST: 'bad_request',
  UNAUTHENTICATED: 'unauthorized',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not_found',
  STALE_VERSION: 'conflict',
  CONFLICT: 'conflict',
  PAYLOAD_TOO_LARGE: 'payload_too_large',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported_media_type',
  IDEMPOTENCY_KEY_REUSED: 'unprocessable',
  IDEMPOTENCY_KEY_IN_PROGRESS: 'conflict',
  RATE_LIMITED: 'too_many_requests',
});

/** 400 with one entry per bad field; the services use it for checks a DTO cannot make (unknown region). */
export const invalidFields = (...errors: { field: string; message: string }[]) =>
  new CommonError(CommonErrorCode.VALIDATION_FAILED, 'The request has invalid fields', { errors });

export const staleVersion = (entity: string, expected: number, actual?: number) =>
  new CommonError(
    CommonErrorCode.STALE_VERSION,
    `The ${entity} was changed by someone else (expected version ${expected}${actual ? `, current ${actual}` : ''}); reload and retry`,
    { extensions: { expectedVersion: expected, ...(actual ? { currentVersion: actual } : {}) } },
  );
