import { Transform } from 'class-transformer';

/** A DTO field's text arrives trimmed; anything that is not a string is left for the validators to reject. */
export const Trim = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
