import { applyDecorators } from '@nestjs/common';
import { Trim } from '../../common/http/trim';
import type { ValidationOptions } from 'class-validator';
import { IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { isValidCreditCode } from '../credit-code';

/** Mainland China mobile: 11 digits, 1 then 3-9. */
export const MOBILE = /^1[3-9][0-9]{9}$/;

export const IsMobile = () => Matches(MOBILE, { message: 'must be a mainland China mobile number (11 digits starting with 13-19)' });

export const IsRegionCode = (opts?: ValidationOptions) =>
  Matches(/^[0-9]{6}$/, { message: 'must be a 6-digit GB/T 2260 region code', ...opts });

export const IsCreditCode = () =>
  ValidateBy({
    name: 'isCreditCode',
    validator: {
      validate: (v) => typeof v === 'string' && isValidCreditCode(v),
      defaultMessage: () => 'must be an 18-character unified social credit code with a valid GB 32100 check character',
    },
  });

/** A trimmed, non-empty text of bounded length. */
export const Text = (max: number, min = 1) => applyDecorators(Trim(), IsString(), MinLength(min), MaxLength(max));
