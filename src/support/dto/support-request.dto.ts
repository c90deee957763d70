import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsUUID, Matches, Min } from 'class-validator';
import { IsInstant } from '../../common/time/time-fields';
import { TICKET_STATES } from '../../cases/ticket-lifecycle';
import type { TicketState } from '../../cases/ticket-lifecycle';
import { PageQuery } from '../../common/pagination/page';
import { IsMobile, Text } from '../../customers/dto/validators';
import { SlaView } from '../../tickets/dto/ticket.dto';
import { SUPPORT_CATEGORIES } from '../support-category.port';
import type { SupportCategory } from '../support-category.port';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
const SEVERITIES = ['critical', 'major', 'minor'] as const;

/** What a support request needs besides its customer (shared with an inquiry's conversion). */
export class SupportRequestFields {
  @ApiProperty({
    enum: SUPPORT_CATEGORIES,
    example: 'emergency_communication',
    description: 'Decides the severity: emergency_communication critical, maintenance major, the others minor',
  })
  @IsIn(SUPPORT_CATEGORIES)
  category: SupportCategory;
  @ApiProperty({ example: '防汛应急指挥需临时开通卫星通信车' }) @Text(4000) description: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A site of this customer; its region decides who works the request (else the customer’s home region)',
  })
  @IsOptional()
  @IsUUID()
  siteId?: string;
  @IsInstant({ optional: true, example: '2026-11-28T09:00:00+08:00', description: 'When the customer would like the work done' })
  preferredAt?: string;
  @ApiPropertyOptional({ example: '王工', description: 'Who to call back' }) @IsOptional() @Text(100) contactName?: string;
  @ApiPropertyOptional({ example: '13812345678', description: 'Masked in answers unless the caller may see it' })
  @IsOptional()
  @IsMobile()
  contactMobile?: string;
}

export class CreateSupportRequestDto extends SupportRequestFields {
  @ApiProperty({ format: 'uuid', example: '0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66' }) @IsUUID() customerId: string;
}

export class UpdateSupportRequestDto {
  @ApiPropertyOptional({ enum: SUPPORT_CATEGORIES, description: 'A new category: its severity re-targets the SLA clocks' })
  @IsOptional()
  @IsIn(SUPPORT_CATEGORIES)
  category?: SupportCategory;
  @ApiPropertyOptional({ description: 'Grant (or withdraw) the green channel on this request: directors only; re-targets the clocks' })
  @IsOptional()
  @IsBoolean()
  greenChannel?: boolean;
  @ApiProperty({ example: 1 }) @Type(() => Number) @IsInt() @Min(1) expectedVersion: number;
}

export class SupportRequestQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ enum: TICKET_STATES }) @IsOptional() @IsIn(TICKET_STATES) state?: TicketState;
  @ApiPropertyOptional({ enum: SUPPORT_CATEGORIES }) @IsOptional() @IsIn(SUPPORT_CATEGORIES) category?: SupportCategory;
  @ApiPropertyOptional({ example: '4406' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
}

export class SupportRequestDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'SUP-20261127-000042' }) caseNo: string;
  @ApiProperty({ format: 'uuid' }) customerId: string;
  @ApiProperty({ enum: SUPPORT_CATEGORIES }) category: string;
  @ApiProperty({ enum: SEVERITIES, description: 'From the category' }) severity: string;
  @ApiProperty() description: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) siteId: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) preferredAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String }) contactName: string | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: '138****5678',
    description: 'Masked unless admin, director, the account manager or the assignee',
  })
  contactMobile: string | null;
  @ApiProperty({ example: '440605' }) region: string;
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
  @ApiProperty({ enum: TICKET_STATES, isArray: true, description: 'States this request may move to now' }) allowedTransitions: string[];
  @ApiPropertyOptional({ nullable: true, type: Number }) feedbackScore: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) feedbackComment: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'The inquiry this request was converted from' })
  inquiryId: string | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) resolvedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
}
