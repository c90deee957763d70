import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { CASE_KINDS } from '../../cases/case-kind';
import { toBool } from '../../common/to-bool';
import { KPI_SECTIONS } from '../report-kpis';

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const REGION = /^(CN|\d{6})$/;
export const REPORT_FORMATS = ['json', 'csv', 'xlsx', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The cuts every report takes besides its period. */
export class ReportCutQuery {
  @ApiPropertyOptional({
    example: '440000',
    description: 'A GB/T 2260 code or CN; within the caller’s scope (403 otherwise). Default: the caller’s one scope (400 when several)',
  })
  @IsOptional()
  @Matches(REGION, { message: 'must be CN or a 6-digit GB/T 2260 code' })
  region?: string;

  @ApiPropertyOptional({ enum: CASE_KINDS.filter((k) => k !== 'work_order') })
  @IsOptional()
  @IsIn(CASE_KINDS.filter((k) => k !== 'work_order'))
  kind?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 4 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(4) priority?: number;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() greenChannel?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only the cases and money of this account manager’s customers' })
  @IsOptional()
  @IsUUID()
  accountManagerId?: string;

  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description: 'Overrides Accept: json, csv (UTF-8 with BOM), xlsx or html (printable, with charts)',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class DailyReportQuery extends ReportCutQuery {
  @ApiProperty({ example: '2026-11-29', description: 'A China date; today builds the day so far on request' })
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  date: string;
}

export class MonthlyReportQuery extends ReportCutQuery {
  @ApiProperty({ example: '2026-11', description: 'A China month' })
  @Matches(MONTH, { message: 'must be a month YYYY-MM' })
  month: string;
}

export class ScorecardQuery {
  @ApiProperty({ example: '2026-11' }) @Matches(MONTH, { message: 'must be a month YYYY-MM' }) month: string;
  @ApiPropertyOptional({ example: '440000' })
  @IsOptional()
  @Matches(REGION, { message: 'must be CN or a 6-digit GB/T 2260 code' })
  region?: string;
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description: 'Overrides Accept: json, csv (UTF-8 with BOM), xlsx or html (printable, with charts)',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

export class RebuildDto {
  @ApiProperty({ example: '2026-11-01', description: 'First China date to build' })
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  from: string;
  @ApiProperty({ example: '2026-11-30', description: 'Last China date (inclusive), at most today, at most 400 days after from' })
  @Matches(DATE, { message: 'must be a date YYYY-MM-DD' })
  to: string;
}

export class KpiValueDto {
  @ApiProperty({ example: 'response_met_pct' }) key: string;
  @ApiProperty({ enum: KPI_SECTIONS }) section: string;
  @ApiProperty({ example: '响应及时率%' }) label: string;
  @ApiProperty({ enum: ['count', 'percent', 'seconds', 'score', 'fen'] }) unit: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null when there is nothing to measure (a share of nothing)' }) value:
    number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The previous day or month' }) previous: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'value − previous' }) change: number | null;
}

export class RegionRefDto {
  @ApiProperty({ example: '440000' }) code: string;
  @ApiProperty({ example: '广东省' }) name: string;
  @ApiProperty({ enum: ['country', 'province', 'city', 'district'] }) level: string;
}

export class ReportRowDto {
  @ApiProperty({ description: 'The group: a region code, a kind, a priority, true/false' }) key: string;
  @ApiProperty({ description: 'Its name (the region’s name; otherwise the key)' }) name: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number', nullable: true }, description: 'KPI key → value' })
  kpis: Record<string, number | null>;
}

export class ReportPeriodDto {
  @ApiProperty({ example: '2026-11-01' }) from: string;
  @ApiProperty({ example: '2026-11-30' }) to: string;
}

export class ReportView {
  @ApiProperty({ enum: ['daily', 'monthly'] }) report: 'daily' | 'monthly';
  @ApiProperty() period: ReportPeriodDto;
  @ApiProperty() previousPeriod: ReportPeriodDto;
  @ApiProperty() region: RegionRefDto;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) builtAt: string | null;
  @ApiProperty({ description: 'Days of the period built into the rollups' }) daysBuilt: number;
  @ApiProperty({ description: 'True when a day of it is today, built so far' }) partial: boolean;
  @ApiProperty({ type: [KpiValueDto] }) kpis: KpiValueDto[];
  @ApiProperty({
    type: [ReportRowDto],
    description: 'One row per region one level below the requested one (the district itself for a district)',
  })
  byRegion: ReportRowDto[];
  @ApiProperty({ type: [ReportRowDto] }) byKind: ReportRowDto[];
  @ApiProperty({ type: [ReportRowDto] }) byPriority: ReportRowDto[];
  @ApiProperty({ type: [ReportRowDto] }) byGreenChannel: ReportRowDto[];
}

export class ScorecardRowDto {
  @ApiProperty({ format: 'uuid' }) accountManagerId: string;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ description: 'Customers held today, home region in the region asked' }) customersHeld: number;
  @ApiProperty() casesOpened: number;
  @ApiProperty() casesClosed: number;
  @ApiProperty() breaches: number;
  @ApiProperty({ type: Number, nullable: true }) resolutionMetPct: number | null;
  @ApiProperty({ type: Number, nullable: true }) csatAverage: number | null;
  @ApiProperty() csatAnswered: number;
  @ApiProperty({ description: 'Satisfaction call-backs of their customers done in the month' }) callbacksDone: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Their mean score' }) callbacksCsatAverage: number | null;
  @ApiProperty({ description: 'Of those, scored 1 or 2' }) callbacksLowScore: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Feedback and call-back scores together' }) csatOverallAverage: number | null;
  @ApiProperty() billedFen: number;
  @ApiProperty() collectedFen: number;
  @ApiProperty({ description: 'At the end of the month (the last day built)' }) arrearsFen: number;
}

export class ScorecardView {
  @ApiProperty({ example: '2026-11' }) month: string;
  @ApiProperty() region: RegionRefDto;
  @ApiProperty({ type: [ScorecardRowDto] }) items: ScorecardRowDto[];
}

export class RebuildView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed'] }) state: string;
  @ApiProperty() daysTotal: number;
  @ApiProperty() daysDone: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt: string | null;
}
