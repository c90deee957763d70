import type { ArgumentMetadata } from '@nestjs/common';
import { ValidationPipe } from '@nestjs/common';
import { firstUnknownField, unknownField, validationFailed } from '../errors/validation-errors';

/**
 * Nest's ValidationPipe (unknown fields refused, input transformed), with
 * its cost bounded: the first unknown field ends validation before
 * class-transformer copies the input, and error lists are capped. The body's
 * size, width and depth were checked before (body-limits.ts).
 */
export class BoundedValidationPipe extends ValidationPipe {
  constructor() {
    super({ whitelist: true, forbidNonWhitelisted: true, transform: true, exceptionFactory: (errors) => validationFailed(errors) });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.metatype && this.toValidate(metadata)) {
      const unknown = firstUnknownField(metadata.metatype, value);
      if (unknown) throw unknownField(unknown);
    }
    return super.transform(value, metadata);
  }
}
