import { TMF_API_ROOT } from '../../common/http/api-path';
import { CommonError, CommonErrorCode, invalidFields } from '../../common/errors/common-errors';
import type { Problem } from '../../common/errors/problem';
import type { ProblemFormat } from '../../common/errors/problem-formats';

/**
 * The TMF630 `Error` object: what every error under /tmf-api answers instead
 * of problem+json. The problem is decided once, by the same filter as for
 * /api/v1 (status and stable `code` included); only its wire form differs.
 */
export interface TmfError {
  '@type': 'Error';
  /** Focus One's stable problem code (VALIDATION_FAILED, CUSTOMER_NOT_FOUND…). */
  code: string;
  /** The HTTP reason phrase of the status. */
  reason: string;
  /** What went wrong, with every bad field named. */
  message: string;
  /** The HTTP status, as a string (TMF630). */
  status: string;
  /** The problem type URI. */
  referenceError: string;
}

export function toTmfError(problem: Problem): TmfError {
  const fields = problem.errors?.length ? `: ${problem.errors.map((e) => `${e.field} ${e.message}`).join('; ')}` : '';
  return {
    '@type': 'Error',
    code: problem.code,
    reason: problem.title,
    message: `${problem.detail}${fields}`,
    status: String(problem.status),
    referenceError: problem.type,
  };
}

export const TMF_ERROR_FORMAT: ProblemFormat = {
  pathPrefix: `/${TMF_API_ROOT}/`,
  contentType: 'application/json; charset=utf-8',
  render: toTmfError,
};

/** The 404 of a resource id the facade cannot find, whatever its format (TMF: never a 400 for an unknown id). */
export const tmfNotFound = (resource: string, id: string) => new CommonError(CommonErrorCode.NOT_FOUND, `No ${resource} ${id}`);

/** A 400 naming one bad field or query parameter. */
export const tmfInvalid = (field: string, message: string) => invalidFields({ field, message });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a path id can name a row at all: an id of another format is unknown (404), not malformed. */
export const isUuid = (id: string) => UUID.test(id);
