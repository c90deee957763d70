import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

type Documented = 400 | 401 | 403 | 404 | 409 | 422 | 429;

const DESCRIPTIONS: Record<Documented, string> = {
  400: 'Invalid input (validation errors listed per field)',
  401: 'Missing, invalid or revoked token',
  403: 'The caller’s roles do not allow this',
  404: 'Not found, or outside the caller’s region scope',
  409: 'Conflict: stale version, duplicate or illegal state change',
  422: 'Idempotency-Key reused with another body',
  429: 'Too many requests',
};

/** One problem response, served (and so documented) as application/problem+json. */
export function ApiProblem(status: Documented, description = DESCRIPTIONS[status]) {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
  );
}

/** Documents the problem responses a route can give, each with the shared schema. */
export function ApiProblems(...statuses: Documented[]) {
  return applyDecorators(...statuses.map((s) => ApiProblem(s)));
}

/** The Idempotency-Key header of a creating POST, and what reusing it does. */
export function ApiIdempotent() {
  return applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Client-chosen key (1-255 printable characters). The same key with the same body replays the first response ' +
        '(header Idempotent-Replayed: true); with another body → 422. Kept IDEMPOTENCY_TTL_HOURS (24 h by default), per caller. ' +
        'After a server crash a retry replays what was committed, or runs once if nothing was (after IDEMPOTENCY_ABANDON_SECONDS; 409 until then).',
    }),
    ApiProblems(422),
  );
}
