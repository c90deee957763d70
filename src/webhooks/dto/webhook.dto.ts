import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination/page';
import { toBool } from '../../common/to-bool';
import { EVENT_TYPES } from '../../outbox/event-types.port';
import type { EventType } from '../../outbox/event-types.port';
import { DELIVERY_STATUSES } from '../webhook.entities';
import type { DeliveryStatus } from '../webhook.entities';

export class CreateWebhookDto {
  @ApiProperty({
    example: 'https://noc.example.com/hooks/focus-one',
    maxLength: 2048,
    description: 'http or https; its host must resolve to public addresses only (no loopback, private, link-local or metadata address)',
  })
  @IsString()
  @MaxLength(2048)
  url: string;

  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['sla.breached', 'sla.escalated'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of: ${EVENT_TYPES.join(', ')}` })
  events: EventType[];

  @ApiProperty({
    example: 'whsec-5f1b2c3d4e5f60718293a4b5',
    minLength: 16,
    maxLength: 256,
    writeOnly: true,
    description: 'Key of the HMAC-SHA256 in X-FocusOne-Signature; never returned',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://noc.example.com/hooks/focus-one' }) url: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['sla.breached', 'sla.escalated'] }) events: string[];
  @ApiProperty({ example: '…a4b5', description: 'The last 4 characters of the secret, to tell secrets apart' }) secretHint: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Set once deleted; nothing is delivered after it' })
  deletedAt: Date | null;
}

export class WebhookQuery extends PageQuery {
  @ApiPropertyOptional({ default: false, description: 'Also list deleted subscriptions' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  includeDeleted?: boolean;
}

export class DeliveryQuery extends PageQuery {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class DeliveryAttemptDto {
  @ApiProperty({ example: 1 }) attempt: number;
  @ApiProperty() startedAt: Date;
  @ApiProperty({ example: 87 }) durationMs: number;
  @ApiPropertyOptional({ example: 503, nullable: true, type: Number, description: 'HTTP status, when the receiver answered' }) statusCode:
    number | null;
  @ApiPropertyOptional({ example: 'HTTP 503', nullable: true, type: String }) error: string | null;
}

export class DeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Sent as X-FocusOne-Delivery, the same on every retry' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The event id (the `id` of the body)' }) eventId: string;
  @ApiProperty({ enum: EVENT_TYPES, example: 'sla.breached' }) eventType: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, example: 'delivered' }) status: DeliveryStatus;
  @ApiProperty({ example: 3, description: 'Attempts started so far' }) attempts: number;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When the next attempt is due (pending deliveries only)' })
  nextAttemptAt: Date | null;
  @ApiPropertyOptional({ example: 200, nullable: true, type: Number }) lastStatusCode: number | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) deliveredAt: Date | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'Every attempt, oldest first' }) attemptLog: DeliveryAttemptDto[];
}
