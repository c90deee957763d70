import { STATUS_CODES } from 'node:http';
import type { FieldError, ProblemKind } from './domain-error';

/** RFC 9457 problem document, with our stable `code` and the request id as extensions. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
  /** How many field errors were left out of `errors` (it lists at most 100). */
  errorsOmitted?: number;
  [extension: string]: unknown;
}

export function statusOf(kind: ProblemKind): number {
  switch (kind) {
    case 'bad_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'conflict':
      return 409;
    case 'payload_too_large':
      return 413;
    case 'unsupported_media_type':
      return 415;
    case 'unprocessable':
      return 422;
    case 'too_many_requests':
      return 429;
    default: {
      const unreachable: never = kind; // the compiler checks every kind is mapped
      throw new Error(`unmapped problem kind ${String(unreachable)}`);
    }
  }
}

export function problem(status: number, code: string, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: `urn:focus-one:problem:${code.toLowerCase().replace(/_/g, '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
    ...extra,
  };
}
