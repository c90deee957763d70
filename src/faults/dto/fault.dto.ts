import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { TICKET_STATES } from '../../cases/ticket-lifecycle';
import type { TicketState } from '../../cases/ticket-lifecycle';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';
import { IsMobile, Text } from '../../customers/dto/validators';
import { SlaView } from '../../tickets/dto/ticket.dto';
import { FAULT_CATEGORIES, REPORT_CHANNELS } from '../fault.entity';
import type { FaultCategory, ReportChannel } from '../fault.entity';

/** How a fault was reported (`oss`: through the TMF621 facade). */
export { REPORT_CHANNELS };

// The ticket bodies and views faults share with support requests.
export { AssignDto, FeedbackDto, NoteDto, SlaView, TimelineEntryDto, TransitionDto } from '../../tickets/dto/ticket.dto';

const SEVERITIES = ['critical', 'major', 'minor'] as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export class CreateFaultDto {
  @ApiProperty({ format: 'uuid', example: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' }) @IsUUID() customerId: string;
  @ApiProperty({ enum: FAULT_CATEGORIES, example: 'fault' }) @IsIn(FAULT_CATEGORIES) category: FaultCategory;
  @ApiProperty({ enum: SEVERITIES, example: 'critical' }) @IsIn(SEVERITIES) severity: (typeof SEVERITIES)[number];
  @ApiProperty({ example: '南海区政府互联网专线中断' }) @Text(200) title: string;
  @ApiProperty({ example: '09:10起专线无法访问互联网，光猫LOS灯红' }) @Text(4000) description: string;
  @ApiProperty({ enum: REPORT_CHANNELS, example: 'hotline' }) @IsIn(REPORT_CHANNELS) reportedVia: ReportChannel;
  @ApiPropertyOptional({ format: 'uuid', description: 'A service instance of this customer' })
  @IsOptional()
  @IsUUID()
  serviceInstanceId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A site of this customer' }) @IsOptional() @IsUUID() siteId?: string;
  @ApiProperty({ example: '李娜' }) @Text(100) reporterName: string;
  @ApiProperty({ example: '13812345678' }) @IsMobile() reporterMobile: string;
}

/**
 * What a fault's intake takes: the console's body (CreateFaultDto), or a
 * TMF621 trouble ticket's (src/tmf/trouble-ticket), which may name no
 * customer and no reporter. A fault without a customer is *unlinked*: it
 * needs `region` (nothing else locates it) and names no site or service
 * instance (they belong to a customer); an agent links it later
 * (POST /faults/{id}/link).
 */
export interface FaultIntake extends Omit<CreateFaultDto, 'customerId' | 'reporterName' | 'reporterMobile'> {
  customerId: string | null;
  reporterName: string | null;
  reporterMobile: string | null;
  /** The region of an unlinked fault; ignored when there is a customer (its site or home region decides). */
  region?: string;
}

export class LinkFaultDto {
  @ApiProperty({ format: 'uuid', description: 'The customer the unlinked fault concerns' }) @IsUUID() customerId: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A site of this customer' }) @IsOptional() @IsUUID() siteId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A service instance of this customer' })
  @IsOptional()
  @IsUUID()
  serviceInstanceId?: string;
  @ApiPropertyOptional({ example: 1, description: 'The version read; 409 STALE_VERSION when it changed meanwhile' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class UpdateFaultDto {
  @ApiPropertyOptional({ enum: SEVERITIES, description: 'Re-targets the SLA clocks' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: (typeof SEVERITIES)[number];
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
  @ApiPropertyOptional({
    description: 'Only faults without (true) or with (false) a customer: unlinked ones wait for an agent to link them',
  })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unlinked?: boolean;
}

export class DuplicateRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261130-000001' }) caseNo: string;
}

export class FaultDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Null for an unlinked fault (opened by network monitoring through TMF621): link it with POST /faults/{id}/link',
  })
  customerId: string | null;
  @ApiProperty({ enum: FAULT_CATEGORIES }) category: string;
  @ApiProperty({ enum: SEVERITIES }) severity: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
  @ApiProperty({ enum: REPORT_CHANNELS }) reportedVia: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) serviceInstanceId: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) siteId: string | null;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null when nobody reported it by phone (network monitoring)' })
  reporterName: string | null;
  @ApiProperty({
    example: '138****5678',
    nullable: true,
    type: String,
    description: 'Masked unless admin, director, the account manager or the assignee; null when nobody reported it by phone',
  })
  reporterMobile: string | null;
  @ApiProperty({ enum: TICKET_STATES, example: 'acknowledged' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P1' }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiPropertyOptional({
    type: StaffRefDto,
    nullable: true,
    description: 'Who holds the case: name and work phone (null: nobody yet). On every read; absent from the 201 body of its creation',
  })
  assignee?: StaffRefDto | null;
  @ApiPropertyOptional({
    type: StaffRefDto,
    nullable: true,
    description:
      'The customer’s account manager: name and work phone (null: none). On every read; absent from the 201 body of its creation',
  })
  accountManager?: StaffRefDto | null;
  @ApiProperty({ type: SlaView }) sla: SlaView;
  @ApiProperty({ enum: TICKET_STATES, isArray: true, description: 'States this case may move to now' }) allowedTransitions: string[];
  @ApiPropertyOptional({ nullable: true, type: Number }) feedbackScore: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) feedbackComment: string | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) resolvedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
  @ApiProperty({
    type: [DuplicateRefDto],
    description:
      'Open faults (acknowledged, in progress, pending or held) on the same service instance, or on the same site when none was given, ' +
      'opened in the 24 hours before this one, oldest first, at most 10; found when the fault was opened and kept as they were. ' +
      'Empty for complaints, for faults with neither instance nor site, and when none. A flag for the agent: the fault is opened all the same.',
    example: [{ id: '3f1c2a9e-8d4b-4f6a-9c1e-2b7d5a0e4c31', caseNo: 'FLT-20261130-000001' }],
  })
  possibleDuplicateOf: DuplicateRefDto[];
}
