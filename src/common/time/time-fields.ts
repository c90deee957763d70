import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { CHINA_DATE_RULE, INSTANT_RULE, parseChinaDateOrInstant, parseInstant } from './instant';

/*
 * The one place a DTO's time field is declared (src/common/time/instant.ts
 * says how a value is read). A valid value reaches the service as the UTC
 * ISO string of its instant (`2026-12-31T15:59:59.999Z`), so services keep
 * `new Date(dto.x)` and never see an offset or a bare date; an invalid one is
 * left as sent for the validator to refuse with the field's name.
 */

export interface TimeFieldOptions {
  /** What the field means; the format rule is appended. */
  description?: string;
  example?: string;
  /** Absent or null is allowed (documented as not required). */
  optional?: boolean;
}

function timeField(parse: (v: string) => Date | null, rule: string, name: string, message: string, o: TimeFieldOptions) {
  return applyDecorators(
    ApiProperty({
      type: String,
      format: 'date-time',
      required: !o.optional,
      description: o.description ? `${o.description}. ${rule}` : rule,
      example: o.example,
    }),
    ...(o.optional ? [IsOptional()] : []),
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (parse(value.trim())?.toISOString() ?? value) : value)),
    ValidateBy({
      name,
      validator: { validate: (v) => typeof v === 'string' && parse(v) !== null, defaultMessage: () => message },
    }),
  );
}

/** A point in time that carries its offset (`Z` or `+08:00`). */
export const IsInstant = (o: TimeFieldOptions = {}) =>
  timeField(
    parseInstant,
    INSTANT_RULE,
    'isInstant',
    'must be an ISO 8601 time with an offset (Z or +08:00), e.g. 2026-12-07T09:00:00+08:00',
    { example: '2026-12-07T09:00:00+08:00', ...o },
  );

/** A day (its end, China time) or a point in time with its offset: for fields that mean "by this date". */
export const IsChinaDateOrInstant = (o: TimeFieldOptions = {}) =>
  timeField(
    parseChinaDateOrInstant,
    CHINA_DATE_RULE,
    'isChinaDateOrInstant',
    'must be a date YYYY-MM-DD (end of that day, China time) or an ISO 8601 time with an offset (Z or +08:00)',
    { example: '2026-12-31', ...o },
  );
