import { getSchemaPath } from '@nestjs/swagger';
import { CommonError } from '../../errors/common-errors';
import type { ProblemKind } from '../../errors/domain-error';
import { ERROR_CATALOGUES } from '../../errors/domain-error';
import { statusOf } from '../../errors/problem';
import { ProblemDto } from '../problem.dto';
import { API_ERRORS_KEY } from './api-errors';
import type { Route } from './openapi-routes';
import { metadataOf } from './openapi-routes';

const PROBLEM_JSON = 'application/problem+json';

/**
 * Narrows the `code` of each documented problem response to the codes the route
 * can give with that status: the common codes plus those of the module error
 * classes its controller declares with `@ApiErrors`, filtered by status (the
 * route documents which statuses it gives; the error classes say which status
 * each code has). A route that documents no 404 lists no *_NOT_FOUND code.
 */
export function documentProblemCodes(routes: Route[]): void {
  for (const route of routes) {
    const catalogues = [CommonError.name, ...(metadataOf<string[]>(API_ERRORS_KEY, route) ?? [])].map((name) => {
      const kinds = ERROR_CATALOGUES.get(name);
      if (!kinds) throw new Error(`OpenAPI: @ApiErrors names ${name}, which is no error class (${route.op.operationId})`);
      return kinds;
    });
    for (const [status, response] of Object.entries(route.op.responses ?? {})) {
      const content = response.content?.[PROBLEM_JSON];
      if (!content) continue;
      const codes = codesWithStatus(catalogues, Number(status));
      content.schema = {
        allOf: [{ $ref: getSchemaPath(ProblemDto) }],
        ...(codes.length ? { properties: { code: { type: 'string', enum: codes } } } : {}),
      };
    }
  }
}

function codesWithStatus(catalogues: Readonly<Record<string, ProblemKind>>[], status: number): string[] {
  const codes = new Set<string>();
  for (const kinds of catalogues) {
    for (const [code, kind] of Object.entries(kinds)) if (statusOf(kind) === status) codes.add(code);
  }
  return [...codes].sort();
}
