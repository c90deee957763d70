import { SetMetadata } from '@nestjs/common';

export const API_ERRORS_KEY = 'focus-one:api-errors';

/**
 * The module error classes (by name, as `errorClass` registers them) a
 * controller's routes answer with, beside the common ones
 * (src/common/errors/common-errors.ts). The OpenAPI document lists, per route and
 * per documented problem status, every code of these classes with that status
 * (docs/ARCHITECTURE.md, "OpenAPI document"). Names, not classes: a controller
 * may not import another module's error file.
 */
export const ApiErrors = (...errorClassNames: string[]) => SetMetadata(API_ERRORS_KEY, errorClassNames);
