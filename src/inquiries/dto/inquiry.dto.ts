import { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Min, ValidateIf } from 'class-validator';
import { IsInstant } from '../../common/time/time-fields';
import { PageQuery } from '../../common/pagination/page';
import { IsMobile, IsRegionCode, Text } from '../../customers/dto/validators';
import { SUPPORT_CATEGORIES } from '../../support/support-category.port';
import type { SupportCategory } from '../../support/support-category.port';
import { INQUIRY_CHANNELS, INQUIRY_STATES, INQUIRY_TOPICS } from '../inquiry-lifecycle';
import type { InquiryChannel, InquiryState, InquiryTopic } from '../inquiry-lifecycle';
import { WorkingTimeView } from '../../sla/dto/working-time-view.dto';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;

export class CreateInquiryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Absent when the caller is not (yet) a customer' })
  @IsOptional()
  @IsUUID()
  customerId?: string;
  @ApiProperty({ example: '张先生' }) @Text(100) callerName: string;
  @ApiProperty({ example: '13812345678', description: 'Masked in answers unless admin, director or the customer’s account manager' })
  @IsMobile()
  callerMobile: string;
  @ApiProperty({ enum: INQUIRY_CHANNELS, example: 'hotline' }) @IsIn(INQUIRY_CHANNELS) channel: InquiryChannel;
  @ApiProperty({ enum: INQUIRY_TOPICS, example: 'tariff' }) @IsIn(INQUIRY_TOPICS) topic: InquiryTopic;
  @ApiProperty({ example: '专线从100M升级到1G的资费和周期？' }) @Text(4000) question: string;
  @ApiPropertyOptional({
    example: '440605',
    description:
      'GB/T 2260 code of the region the inquiry belongs to (who sees and answers it). Default: the customer’s home region; ' +
      'for a caller who is not a customer, the region of the caller’s own scope when it is a single region — otherwise required.',
  })
  @IsOptional()
  @IsRegionCode()
  region?: string;
  @ApiPropertyOptional({
    default: false,
    description: 'Urgent inquiries start at P2 instead of P3; the customer’s tier and green channel then adjust it, as for every case',
  })
  @IsOptional()
  @IsBoolean()
  urgent?: boolean;
}

export class AnswerInquiryDto {
  @ApiProperty({ example: '1G专线月租……，开通周期约10个工作日' }) @Text(8000) answer: string;
  @ApiPropertyOptional({ example: 1, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class CloseInquiryDto {
  @ApiPropertyOptional({ example: '客户表示已了解' }) @IsOptional() @Text(2000) note?: string;
  @ApiPropertyOptional({ example: 2, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;
}

export class ConvertInquiryDto {
  @ApiProperty({ enum: ['order', 'support'], example: 'support' }) @IsIn(['order', 'support']) to: 'order' | 'support';
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'For an inquiry from a caller who was not a customer: the customer (now on file) to open the case for; it becomes the inquiry’s customer too',
  })
  @IsOptional()
  @IsUUID()
  customerId?: string;
  @ApiPropertyOptional({ example: 2, description: 'When given, must equal the current version (409 otherwise)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion?: number;

  // ---- to: support ----
  @ApiPropertyOptional({ enum: SUPPORT_CATEGORIES, description: 'Required when to is support' })
  @ValidateIf((o: ConvertInquiryDto) => o.to === 'support')
  @IsIn(SUPPORT_CATEGORIES)
  category?: SupportCategory;
  @ApiPropertyOptional({ description: 'to: support; defaults to the inquiry’s question' }) @IsOptional() @Text(4000) description?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'to: support; a site of the customer' }) @IsOptional() @IsUUID() siteId?: string;
  @IsInstant({
    optional: true,
    example: '2026-11-28T09:00:00+08:00',
    description: 'to: support; when the customer would like the work done',
  })
  preferredAt?: string;

  // ---- to: order ----
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Required when to is order: the body of POST /orders without customerId (validated by the orders module)',
  })
  @ValidateIf((o: ConvertInquiryDto) => o.to === 'order')
  @IsObject()
  order?: Record<string, unknown>;
}

export class InquiryQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() customerId?: string;
  @ApiPropertyOptional({ enum: INQUIRY_STATES }) @IsOptional() @IsIn(INQUIRY_STATES) state?: InquiryState;
  @ApiPropertyOptional({ enum: INQUIRY_TOPICS }) @IsOptional() @IsIn(INQUIRY_TOPICS) topic?: InquiryTopic;
  @ApiPropertyOptional({ example: '4406' })
  @IsOptional()
  @Matches(/^([0-9]{2}|[0-9]{4}|[0-9]{6})$/, { message: 'must be a 2-, 4- or 6-digit region code or prefix' })
  region?: string;
}

export class InquirySlaView extends WorkingTimeView {
  @ApiProperty({ description: 'Stops when the inquiry is answered' }) responseDueAt: Date;
  @ApiProperty({ description: 'Stops when the inquiry is closed (or converted)' }) resolutionDueAt: Date;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) responseState: string;
  @ApiProperty({ enum: ['running', 'paused', 'stopped'] }) resolutionState: string;
  @ApiProperty({ description: 'A clock has passed its target' }) breached: boolean;
  @ApiProperty({ example: 'inquiry:P3' }) policyKey: string;
  @ApiProperty({ example: 1 }) policyVersion: number;
}

export class ConvertedToDto {
  @ApiProperty({ enum: ['order', 'support'] }) kind: string;
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiPropertyOptional({ example: 'SUP-20261127-000007', nullable: true, type: String }) caseNo: string | null;
}

export class InquiryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'INQ-20261127-000042' }) caseNo: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String, description: 'Null for a caller who is not yet a customer' })
  customerId: string | null;
  @ApiProperty() callerName: string;
  @ApiProperty({ example: '138****5678', description: 'Masked unless admin, director or the customer’s account manager' })
  callerMobile: string;
  @ApiProperty({ enum: INQUIRY_CHANNELS }) channel: string;
  @ApiProperty({ enum: INQUIRY_TOPICS }) topic: string;
  @ApiProperty() question: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty() urgent: boolean;
  @ApiProperty({ enum: INQUIRY_STATES, example: 'open' }) state: string;
  @ApiProperty({ enum: PRIORITIES, example: 'P3' }) priority: string;
  @ApiProperty() greenChannel: boolean;
  @ApiProperty({ type: InquirySlaView }) sla: InquirySlaView;
  @ApiProperty({ enum: ['answer', 'close', 'convert'], isArray: true, description: 'Actions allowed now' }) allowedActions: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) answer: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) answeredBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) answeredAt: Date | null;
  @ApiPropertyOptional({ type: ConvertedToDto, nullable: true, description: 'The order or support request this inquiry became' })
  convertedTo: ConvertedToDto | null;
  @ApiPropertyOptional({
    type: StaffRefDto,
    nullable: true,
    description:
      'The customer’s account manager: name and work phone (null: none). On every read (an inquiry has no assignee: whoever answers it acts); absent from the 201 body of its creation',
  })
  accountManager?: StaffRefDto | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) closedAt: Date | null;
}
