import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { TICKET_STATES } from '../../cases/ticket-lifecycle';
import type { TicketState } from '../../cases/ticket-lifecycle';
import { PageQuery } from '../../common/pagination/page';
import { IsMobile, Text, toBool } from '../../customers/dto/validators';
import { FAULT_CATEGORIES, REPORT_CHANNELS } from '../fault.entity';
import type { FaultCategory, ReportChannel } from '../fault.entity';

const SEVERITIES = ['critical', 'major', 'minor'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export class CreateFaultDto {
  @ApiProperty({ format: 'uuid', example: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' }) @IsUUID() customerId: string;
  @ApiProperty({ enum: FAULT_CATEGORIES, example: 'fault' }) @IsIn(FAULT_CATEGORIES) category: FaultCategory;
  @ApiProperty({ enum: SEVERITIES, example: 'critical' }) @IsIn(SEVERITIES) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ example: '南海区政府互联网专线中断' }) @Text(200) title: string;
  @ApiProperty({ example: '09:10起专线无法访问互联网，光猫LOS灯红' }) @Text(4000) description: string;
  @ApiProperty({ enum: REPORT_CHANNELS, example: 'hotline' }) @IsIn(REPORT_CHANNELS) reportedVia: ReportChannel;
  @ApiPropertyOptional({ format: 'uuid', description: 'A service instance of this customer' }) @IsOptional() @IsUUID() serviceInstanceId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A site of this customer' }) @IsOptional() @IsUUID() siteId?: string;
  @ApiProperty({ example: '李娜' }) @Text(100) reporterName: string;
  @ApiProperty({ example: '13812345678' }) @IsMobile() reporterMobile: string;
}

export class TransitionDto {
  @ApiProperty({ enum: TICKET_STATES, example: 'in_progress' }) @IsIn(TICKET_STATES) to: TicketState;
  @ApiPropertyOptional({ example: '已派单，工程师出发' }) @IsOptional() @Text(2000) note?: string;
  @ApiPropertyOptional({ example: 3, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
  @ApiPropertyOptional({ example: '等待客户开放机房', description: 'Required for pending and held' }) @IsOptional() @Text(500) reason?: string;
}

export class AssignDto {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7', description: 'An active engineer whose scope covers the fault’s region' })
  @IsUUID()
  engineerId: string;
}

export class NoteDto {
  @ApiProperty({ example: '客户反馈10:30恢复' }) @Text(4000) text: string;
}

export class FeedbackDto {
  @ApiProperty({ minimum: 1, maximum: 5, example: 5 }) @IsInt() @Min(1) @Max(5) score: number;
  @ApiPropertyOptional({ example: '处理及时' }) @IsOptional() @Text(2000) comment?: string;
}

export class UpdateFaultDto {
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'Re-targets the SLA clocks' }) @IsOptional() @IsIn(SEVERITIES) severity?: (typeof SEVERITIES)[number];
  @ApiPropertyOptional({ description: 'Grant (or withdraw) the green channel on this case: directors only; re-targets the clocks' })
  @IsOptional()
  @IsBoolean()
  greenChannel?: boolean;
  @ApiProperty({ example: 1 }) @Type(() => Number) @IsInt() @Min(1) expectedVersion: number;
}

export class FaultQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ enum: TICKET_STATES }) @IsOptional() @IsIn(TICKET_STATES) state?: TicketState;
  @ApiPropertyOptional({ enum: PRIORITIES }) @IsOptional() @IsIn(PRIORITIES) priority?: string;
  @ApiPropertyOptional({ example: '4406' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
  @ApiPropertyOptional({ description: 'Only cases with (true) or without (false) a breached clock' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  breached?: boolean;
  @ApiPropertyOptional({ enum: FAULT_CATEGORIES }) @IsOptional() @IsIn(FAULT_CATEGORIES) category?: FaultCategory;
}

export class SlaView {
  @ApiProperty() responseDueAt: Date;
  @ApiProperty() resolutionDueAt: Date;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) responseState: string;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) resolutionState: string;
  @ApiProperty({ description: 'A clock has passed its target' }) breached: boolean;
  @ApiProperty({ example: 'fault:P1' }) policyKey: string;
  @ApiProperty({ example: 1, description: 'The policy version the case was opened under' }) policyVersion: number;
}

export class FaultDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: FAULT_CATEGORIES }) category: string;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: REPORT_CHANNELS }) reportedVia: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) serviceInstanceId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) siteId: string | null;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty() reporterName: string;
  @ApiProperty({ example: '138****5678', description: 'Masked unless admin, director, the account manager or the assignee' }) reporterMobile: string;
  @ApiProperty({ enum: TICKET_STATES, example: 'acknowledged' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P1' }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ type: SlaView }) sla: SlaView;
  @ApiProperty({ enum: TICKET_STATES, isArray: true, description: 'States this case may move to now' }) allowedTransitions: string[];
  @ApiPropertyOptional({ nullable: true, type: Number }) feedbackScore: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) feedbackComment: string | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) resolvedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
}

/** The timeline is the case kernel's; re-exported where the fault routes always found it. */
export { TimelineEntryDto } from '../../cases/dto/timeline-entry.dto';
