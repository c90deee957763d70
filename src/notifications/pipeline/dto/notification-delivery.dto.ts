import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../../common/pagination/page';
import { NOTIFICATION_EVENT_TYPES } from '../../notifications.port';
import { DELIVERY_CHANNELS, DELIVERY_STATES, SUPPRESSED_REASONS } from '../delivery-log.port';
import type { DeliveryChannel, DeliveryState } from '../delivery-log.port';

export class DeliveryQueryDto extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATES }) @IsOptional() @IsIn(DELIVERY_STATES) state?: DeliveryState;
  @ApiPropertyOptional({ enum: DELIVERY_CHANNELS }) @IsOptional() @IsIn(DELIVERY_CHANNELS) channel?: DeliveryChannel;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() alertId?: string;
}

export class DeliveryRecipientDto {
  @ApiProperty({
    enum: ['staff', 'group', 'contact', 'reporter'],
    description: 'A staff member, a region’s group robot, a customer contact, or a fault’s reporter who is none of its customer’s contacts',
  })
  kind: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The staff member (kind staff)' }) staffId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The group channel (kind group)' })
  groupChannelId: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The customer contact (kind contact)' })
  contactId: string | null;
  @ApiProperty({ example: '张伟', description: 'The person’s name, or the group channel’s' }) name: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: '138****5678',
    description: 'Where it went: the mobile (masked) or e-mail address; null for a group',
  })
  address: string | null;
  @ApiProperty({ type: [String], format: 'uuid', description: 'Group messages: the staff members mentioned in it' })
  mentionedStaffIds: string[];
}

export class NotificationDeliveryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The outbox event it was made from' }) eventId: string;
  @ApiProperty({ enum: NOTIFICATION_EVENT_TYPES }) eventType: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) alertId: string | null;
  @ApiProperty({ example: 'fault' }) caseKind: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ example: 'FLT-20261127-000042' }) caseNo: string;
  @ApiProperty({ example: '440605' }) region: string;
  @ApiProperty({ type: DeliveryRecipientDto }) recipient: DeliveryRecipientDto;
  @ApiProperty({ enum: DELIVERY_CHANNELS }) channel: string;
  @ApiProperty({
    enum: DELIVERY_STATES,
    description:
      'pending → sent | failed (retrying) | dead (no more attempts; POST …/retry); suppressed: recorded, never sent (suppressedReason)',
  })
  state: string;
  @ApiProperty({ enum: SUPPRESSED_REASONS, nullable: true, type: String }) suppressedReason: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The message that carried it' }) digestId: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'How many deliveries that message carried' }) digestSize: number | null;
  @ApiProperty({ example: 1 }) attempts: number;
  @ApiProperty({ nullable: true, type: Date, description: 'When the next attempt is due (pending and failed)' }) nextAttemptAt: Date | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the last attempt failed' }) error: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'SMS: the first segment’s id at the SMSC; e-mail: the Message-ID' })
  providerMessageId: string | null;
  @ApiProperty({ enum: ['delivered', 'failed'], nullable: true, type: String, description: 'SMS delivery receipt' })
  receiptStatus: string | null;
  @ApiProperty({ nullable: true, type: Date }) sentAt: Date | null;
  @ApiProperty() createdAt: Date;
}
