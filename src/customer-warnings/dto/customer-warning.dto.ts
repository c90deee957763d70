import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { Text } from '../../customers/dto/validators';
import { EVALUATION_STATES, WARNING_SIGNALS, WARNING_STATES } from '../warning-signals';
import type { EvaluationState, WarningSignal, WarningState } from '../warning-signals';

export class CustomerWarningQuery extends PageQuery {
  @ApiPropertyOptional({
    example: '440600',
    description: 'Only customers at home in this region or one under it (2-, 4- or 6-digit code or prefix); within what the caller may see',
  })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;

  @ApiPropertyOptional({ enum: WARNING_SIGNALS }) @IsOptional() @IsIn(WARNING_SIGNALS) signal?: WarningSignal;
  @ApiPropertyOptional({ enum: WARNING_STATES }) @IsOptional() @IsIn(WARNING_STATES) state?: WarningState;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
}

export class AckCustomerWarningDto {
  @ApiProperty({
    example: '已联系客户信息部王主任，本周安排上门巡检',
    maxLength: 1000,
    description: 'What was done about it; kept on the warning',
  })
  @Text(1000)
  note: string;

  @ApiPropertyOptional({
    example: 1,
    description: 'The version read; a stale one is 409 (unless the warning is already acknowledged: then it is answered as it is)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CustomerWarningView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ example: 'C-000042' }) customerNo: string;
  @ApiProperty({ example: '佛山市南海区人民政府' }) customerName: string;
  @ApiProperty({ example: '440605', description: 'The customer’s home region when the warning was raised' }) region: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) regionName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The customer’s account manager now' })
  accountManagerId: string | null;
  @ApiProperty({ enum: WARNING_SIGNALS, example: 'fault_spike' }) signal: string;
  @ApiProperty({ example: '2026-W49', description: 'The China ISO week it was raised in: one warning per customer, signal and week' })
  week: string;
  @ApiProperty({ enum: WARNING_STATES, example: 'open' }) state: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { faults7d: 5, faults90d: 7, weeklyAverage90d: 0.54 },
    description: 'What the signal saw (docs/REPORTS.md, "Customer warnings"), refreshed by each evaluation of the week while open',
  })
  figures: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { faultsMin: 3, faultFactor: 3, windowDays: 7, baselineDays: 90 },
    description: 'The thresholds it was raised under',
  })
  thresholds: Record<string, number>;
  @ApiProperty() raisedAt: string;
  @ApiProperty() lastEvaluatedAt: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) acknowledgedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) note: string | null;
  @ApiProperty({ example: 1 }) version: number;
}

export class EvaluationResultDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { fault_spike: 2 },
    description: 'Warnings created, per signal',
  })
  raised: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { arrears: 1 },
    description: 'Open warnings of this week whose figures were refreshed, per signal',
  })
  refreshed: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { bill_drop: 'no completed bill run yet' },
    description: 'Signals not evaluated, and why',
  })
  skipped: Record<string, string>;
}

export class EvaluationView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['schedule', 'request'] }) trigger: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) requestedBy: string | null;
  @ApiProperty({ enum: EVALUATION_STATES, example: 'queued' }) state: EvaluationState;
  @ApiProperty({ nullable: true, type: String, description: 'Where the windows end (the instant the evaluation started)' })
  windowEnd: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-W49' }) week: string | null;
  @ApiProperty({ type: EvaluationResultDto, nullable: true }) result: EvaluationResultDto | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) startedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
}
