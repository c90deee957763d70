import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

type Documented = 400 | 404 | 409 | 422;

/** Documents the problem responses a route can give, each with the shared schema. */
export function ApiProblems(...statuses: Documented[]) {
  const map = {
    400: ApiBadRequestResponse({ description: 'Invalid input (validation errors listed per field)', type: ProblemDto }),
    404: ApiNotFoundResponse({ description: 'Not found, or outside the caller’s region scope', type: ProblemDto }),
    409: ApiConflictResponse({ description: 'Conflict: stale version, duplicate or illegal state change', type: ProblemDto }),
    422: ApiUnprocessableEntityResponse({ description: 'Idempotency-Key reused with another body', type: ProblemDto }),
  } as const;
  return applyDecorators(...statuses.map((s) => map[s]));
}

/** The Idempotency-Key header of a creating POST, and what reusing it does. */
export function ApiIdempotent() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Client-chosen key (1-255 printable characters). The same key with the same body replays the first response ' +
        '(header Idempotent-Replayed: true); with another body → 422. Kept 24 h, per caller.',
    }),
    ApiProblems(422),
  );
}
