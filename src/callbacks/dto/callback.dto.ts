import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { IsMobile, Text } from '../../customers/dto/validators';
import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { CALLBACK_SOURCE_KINDS, CALLBACK_STATES, MAX_ATTEMPTS, SELECTED_BY } from '../callback-rules';
import type { CallbackState } from '../callback-rules';

const SEVERITIES = ['critical', 'major', 'minor'] as const;

export class CallbackQuery extends PageQuery {
  @ApiPropertyOptional({ example: '4406', description: 'A region code or prefix: the call-backs of that region and below' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ enum: CALLBACK_STATES }) @IsOptional() @IsIn(CALLBACK_STATES) state?: CallbackState;
}

export class CallbackAttemptInput {
  @ApiProperty({ description: 'Whether the customer was reached' }) @IsBoolean() reached: boolean;
  @ApiPropertyOptional({ minimum: 1, maximum: 5, example: 4, description: 'Required when reached; not allowed otherwise' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  score?: number;
  @ApiPropertyOptional({ example: '恢复及时，工程师态度好' }) @IsOptional() @Text(2000) comment?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 10, example: ['响应慢'], description: 'What the customer was unhappy with' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  reasons?: string[];
  @ApiPropertyOptional({ example: 1, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CallbackComplaintInput {
  @ApiPropertyOptional({
    enum: SEVERITIES,
    default: 'major',
    description: 'The complaint’s severity (its priority follows as for any complaint)',
  })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];
  @ApiPropertyOptional({ description: 'Added to the complaint’s description (the score, comment and reasons are always in it)' })
  @IsOptional()
  @Text(2000)
  description?: string;
  @ApiPropertyOptional({ description: 'Who complains; defaults to the call-back’s contact (required when it has none)' })
  @IsOptional()
  @Text(100)
  reporterName?: string;
  @ApiPropertyOptional({ example: '13812345678', description: 'Defaults to the call-back’s contact (required when it has none)' })
  @IsOptional()
  @IsMobile()
  reporterMobile?: string;
}

export class CallbackAttemptDto {
  @ApiProperty({ minimum: 1, maximum: MAX_ATTEMPTS }) n: number;
  @ApiProperty() reached: boolean;
  @ApiProperty({ nullable: true, type: Number }) score: number | null;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) byId: string | null;
  @ApiProperty() byName: string;
  @ApiProperty() at: Date;
}

export class CallbackClockDto {
  @ApiProperty({ description: 'Due CALLBACK_DUE_HOURS after the case was closed' }) dueAt: Date;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) state: string;
  @ApiProperty({ example: '24x7' }) calendar: string;
  @ApiProperty({ description: 'The call-back is (or was) late' }) breached: boolean;
  @ApiProperty({ description: 'Working seconds left (negative once overrun; frozen once stopped)' }) workingSecondsRemaining: number;
}

export class CallbackDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'CB-20261130-000001' }) callbackNo: string;
  @ApiProperty({ enum: CALLBACK_STATES }) state: string;
  @ApiProperty({ enum: CALLBACK_SOURCE_KINDS, description: 'The kind of the case called back about' }) caseKind: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 'FLT-20261130-000042' }) caseNumber: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ enum: ['P1', 'P2', 'P3', 'P4'] }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiProperty({ enum: SELECTED_BY, description: 'Why it is called back: the tier, the green channel, or the sample of standard cases' })
  selectedBy: string;
  @ApiProperty({ nullable: true, type: String }) contactName: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '138****5678',
    description: 'In full for the agent working the call-back (and admins, directors, the account manager), masked otherwise and in lists',
  })
  contactMobile: string | null;
  @ApiProperty({ description: 'contactMobile is masked' }) contactMasked: boolean;
  @ApiProperty({ minimum: 0, maximum: MAX_ATTEMPTS }) attempts: number;
  @ApiProperty({ example: MAX_ATTEMPTS }) maxAttempts: number;
  @ApiProperty({ nullable: true, type: Number, minimum: 1, maximum: 5 }) score: number | null;
  @ApiProperty({ nullable: true, type: String }) comment: string | null;
  @ApiProperty({ type: [String] }) reasons: string[];
  @ApiProperty() dueAt: Date;
  @ApiProperty({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiProperty({ type: CallbackClockDto }) clock: CallbackClockDto;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'The agent who made the last attempt' }) assignee: StaffRefDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The complaint raised from a low score' })
  complaintId: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'CMP-20261201-000003' }) complaintNo: string | null;
  @ApiPropertyOptional({ type: [CallbackAttemptDto], description: 'Each call made (single reads only)' }) attemptLog?: CallbackAttemptDto[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
}
