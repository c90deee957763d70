import { CustomerWarningView } from '../../customer-warnings/dto/customer-warning.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { toBool } from '../../common/to-bool';
import { Trim } from '../../common/http/trim';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { AccountSummaryView } from '../../billing/dto/billing-views.dto';
import { CASE_KINDS } from '../../cases/case-kind';
import type { CaseKind } from '../../cases/case-kind';
import { PageQuery } from '../../common/pagination/page';
import { CONTACT_ROLES, TIERS } from '../../customers/customer-record.port';
import { CustomerDto } from '../../customers/dto/customer.dto';
import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { ALERT_LEVELS, CLOCKS } from '../../sla/sla-levels.port';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const MATCH_KEYS = ['mobile', 'credit_code', 'customer_no', 'access_no', 'name', 'contact_name', 'case_no', 'bill_no'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];

// ---- lookup ----

export class LookupQuery {
  @ApiProperty({
    example: '南海',
    minLength: 1,
    maxLength: 64,
    description:
      'Contact mobile (typed any way: +86 133 5979 0284, 133-5979-0284, 8613359790284, full-width digits), unified social credit code, ' +
      'customer number (full-width or lower case too), service access number, a case, work order or bill number (FLT-20261130-000001, ' +
      'WO-20261130-000101, BL-202610-KA00000001), or a fragment (2 characters are enough) of the customer’s name or of a contact’s name',
  })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  q: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 20;
}

export class LookupContactDto {
  @ApiProperty({ example: '李娜' }) name: string;
  @ApiProperty({ example: '138****5678', description: 'Always masked on the hotline screen, whatever the caller’s role' }) mobile: string;
  @ApiProperty({ enum: CONTACT_ROLES, example: 'primary' }) role: string;
}

export class LookupItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'KA00000042' }) customerNo: string;
  @ApiProperty({ example: '佛山市南海区人民政府' }) name: string;
  @ApiProperty({ enum: TIERS, example: 'key' }) tier: string;
  @ApiProperty({ example: true }) greenChannel: boolean;
  @ApiProperty({ example: '440605' }) homeRegion: string;
  @ApiProperty({ example: '广东省佛山市南海区' }) homeRegionName: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) accountManagerId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'The account manager’s name and work phone (null: none)' })
  accountManager: StaffRefDto | null;
  @ApiProperty({
    type: [LookupContactDto],
    description: 'Primary contact first, then by role (technical, billing, executive, other), then oldest first',
  })
  contacts: LookupContactDto[];
  @ApiProperty({
    enum: MATCH_KEYS,
    example: 'mobile',
    description:
      'Which key the query matched; when several do, the first of mobile, credit_code, customer_no, access_no, name, contact_name. ' +
      'case_no and bill_no: the query was a case, work order or bill number and this is its customer',
  })
  matchedBy: MatchKey;
}

export class LookupCaseDto {
  @ApiProperty({ enum: CASE_KINDS, example: 'fault' }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261130-000001' }) caseNo: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for an inquiry from a caller who is not yet a customer' })
  customerId: string | null;
  @ApiProperty({ example: '南海区政府互联网专线中断' }) title: string;
  @ApiProperty({ example: 'in_progress' }) state: string;
  @ApiProperty({ example: true, description: 'Still open work (in the console queue)' }) open: boolean;
  @ApiProperty({ enum: PRIORITIES, example: 'P1' }) priority: string;
  @ApiProperty({ example: false }) greenChannel: boolean;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who holds the case (null: nobody yet, or a kind without an assignee)' })
  assignee: StaffRefDto | null;
  @ApiProperty({ example: '2026-11-30T01:10:00.000Z' }) openedAt: Date;
}

export class LookupResultDto {
  @ApiProperty({
    type: LookupCaseDto,
    nullable: true,
    required: false,
    description:
      'When the query is a case or work order number of a case the caller may see: that case (its customer, if any, is the one item). ' +
      'Absent for any other query; null when no such case is visible to the caller.',
  })
  matchedCase?: LookupCaseDto | null;
  @ApiProperty({ type: [LookupItemDto] }) items: LookupItemDto[];
  @ApiProperty({ example: 1, description: 'All matches in the caller’s regions (items holds at most `limit`)' }) total: number;
}

// ---- queue ----

export class QueueQuery extends PageQuery {
  @ApiPropertyOptional({
    example: '4406',
    description: 'Region prefix (44, 4406, 440605) or 6-digit code; narrows the caller’s scope, never widens it',
  })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;

  @ApiPropertyOptional({ enum: CASE_KINDS, example: 'fault' }) @IsOptional() @IsIn(CASE_KINDS) kind?: CaseKind;

  @ApiPropertyOptional({
    description:
      'Only cases without a customer (true: unlinked faults from network monitoring, waiting for an agent to link them with ' +
      'POST /faults/{id}/link, and inquiries from callers who are not customers) or with one (false)',
  })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unlinked?: boolean;
}

export class QueueItemDto {
  @ApiProperty({ enum: CASE_KINDS, example: 'fault' }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for an inquiry from a caller who is not yet a customer' })
  customerId: string | null;
  @ApiProperty({ example: '佛山市南海区人民政府', nullable: true, type: String }) customerName: string | null;
  @ApiProperty({ example: '南海区政府互联网专线中断' }) title: string;
  @ApiProperty({ example: 'acknowledged' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P1' }) priority: string;
  @ApiProperty({ example: false }) greenChannel: boolean;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who holds the case: name and work phone (null: nobody yet)' })
  assignee: StaffRefDto | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'The customer’s account manager: name and work phone (null: none)' })
  accountManager: StaffRefDto | null;
  @ApiProperty({ example: '2026-11-27T01:10:00.000Z' }) openedAt: Date;
  @ApiProperty({ example: false, description: 'A clock of the case (running or not) has passed its target' }) breached: boolean;
  @ApiProperty({
    nullable: true,
    type: Date,
    example: '2026-11-27T01:25:00.000Z',
    description: 'The earliest due time among the case’s running clocks; null when none runs (paused or stopped)',
  })
  nextDueAt: Date | null;
  @ApiProperty({ enum: CLOCKS, nullable: true, type: String, example: 'response', description: 'The clock that falls due at nextDueAt' })
  nextDueClock: string | null;
}

export class QueuePageDto {
  @ApiProperty({ type: [QueueItemDto] }) items: QueueItemDto[];
  @ApiProperty({ example: 1 }) total: number;
  @ApiProperty({ example: 50 }) limit: number;
  @ApiProperty({ example: 0 }) offset: number;
}

// ---- customer overview ----

export class CaseSlaDto {
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-27T01:25:00.000Z' }) responseDueAt: Date | null;
  @ApiProperty({ nullable: true, type: Date, example: '2026-11-27T05:10:00.000Z' }) resolutionDueAt: Date | null;
  @ApiProperty({ example: false, description: 'A clock of the case has passed its target' }) breached: boolean;
}

export class OpenCaseDto {
  @ApiProperty({ enum: CASE_KINDS, example: 'fault' }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({ example: '南海区政府互联网专线中断' }) title: string;
  @ApiProperty({ example: 'in_progress' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P1' }) priority: string;
  @ApiProperty({ example: false }) greenChannel: boolean;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who holds the case: name and work phone (null: nobody yet)' })
  assignee: StaffRefDto | null;
  @ApiProperty({ example: '2026-11-27T01:10:00.000Z' }) openedAt: Date;
  @ApiProperty({ type: CaseSlaDto }) sla: CaseSlaDto;
}

export class ClosedCaseDto {
  @ApiProperty({ enum: CASE_KINDS, example: 'fault' }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'FLT-20261120-000007' }) caseNo: string;
  @ApiProperty({ example: '专线丢包' }) title: string;
  @ApiProperty({ example: 'closed', description: 'resolved (awaiting the customer), closed, rejected, cancelled, completed…' })
  state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P2' }) priority: string;
  @ApiProperty({ example: false }) greenChannel: boolean;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assigneeId: string | null;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'Who held the case: name and work phone' })
  assignee: StaffRefDto | null;
  @ApiProperty({ example: '2026-11-20T02:00:00.000Z' }) openedAt: Date;
  @ApiProperty({ nullable: true, type: Date, description: 'Null while the case is only resolved' }) closedAt: Date | null;
  @ApiProperty({ description: 'Last change of the case (when it was resolved, for a resolved case)' }) updatedAt: Date;
}

export class OverviewAlertDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CASE_KINDS, example: 'complaint' }) caseKind: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 'CMP-20261127-000003' }) caseNo: string;
  @ApiProperty({ enum: CLOCKS, example: 'response' }) clock: string;
  @ApiProperty({ enum: ALERT_LEVELS, example: 'breached' }) level: string;
  @ApiProperty({ description: 'When this level fell due' }) dueAt: Date;
  @ApiProperty() raisedAt: Date;
  @ApiProperty({ example: '440605' }) region: string;
}

export class CustomerOverviewDto {
  @ApiProperty({
    type: CustomerDto,
    description:
      'The customer with contacts (mobiles masked unless the caller is an admin, a director or its account manager), sites and service instances',
  })
  customer: CustomerDto;
  @ApiProperty({ type: StaffRefDto, nullable: true, description: 'The customer’s account manager: name and work phone (null: none)' })
  accountManager: StaffRefDto | null;
  @ApiProperty({ type: [OpenCaseDto], description: 'Open cases of every kind, most urgent first (as in the console queue); at most 100' })
  openCases: OpenCaseDto[];
  @ApiProperty({ example: 3, description: 'All open cases the caller may see' }) openCasesTotal: number;
  @ApiProperty({ type: [OverviewAlertDto], description: 'Alerts not yet acknowledged, newest first; at most 100' })
  openAlerts: OverviewAlertDto[];
  @ApiProperty({ example: 1, description: 'All unacknowledged alerts the caller may see' }) openAlertsTotal: number;
  @ApiProperty({ type: [ClosedCaseDto], description: 'The last 10 resolved or finished cases of any kind, newest first' })
  recentClosedCases: ClosedCaseDto[];
  @ApiProperty({
    type: AccountSummaryView,
    description:
      'The billing account: balance, credit, outstanding and overdue (everyone who may see the customer); the open bills only for billing staff, directors and admins',
  })
  account: AccountSummaryView;
  @ApiProperty({
    type: [CustomerWarningView],
    description:
      'Abnormal-customer warnings (异常客户预警) not yet acknowledged, newest first; at most 100 (docs/REPORTS.md, "Customer warnings")',
  })
  openWarnings: CustomerWarningView[];
  @ApiProperty({ example: 1, description: 'All open warnings of the customer' }) openWarningsTotal: number;
}
