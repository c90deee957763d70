import { applyDecorators, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../auth/decorators';

// The vocabulary every API controller is written in, in one import (docs/ARCHITECTURE.md, "How a module is laid out").
export type { AuthContext } from '../auth/auth-context';
export { Auth, Authenticated, Public, Roles } from '../auth/decorators';
export { Idempotent } from '../idempotency/idempotency.interceptor';
export { PageOf } from '../pagination/page';
export { SerializedPageOf } from './serialized-as';
export { ApiProblems } from './api-problems';
export { ApiErrors } from './openapi/api-errors';
export { UuidPipe } from './uuid.pipe';

/** A controller whose routes need a bearer token: its OpenAPI tag, the 401 it may answer, its path. */
export const ApiController = (tag: string, path: string) => applyDecorators(ApiTags(tag), Authenticated(), Controller(path));
