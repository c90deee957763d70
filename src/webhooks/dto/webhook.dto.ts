import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
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
import { toBool } from '../../common/to-bool';
import { TIERS } from '../../customers/customer-record.port';
import type { Tier } from '../../customers/customer-record.port';
import { EVENT_TYPES } from '../../outbox/event-types.port';
import type { EventType } from '../../outbox/event-types.port';
import { DELIVERY_STATUSES } from '../webhook.entities';
import type { DeliveryStatus } from '../webhook.entities';

/** How long the previous secret stays valid after a rotation, unless the rotation says otherwise. */
export const DEFAULT_OVERLAP_SECONDS = 86_400;
/** The longest overlap a rotation may ask for (a week): a leaked secret is not kept alive for long. */
export const MAX_OVERLAP_SECONDS = 7 * 86_400;
/** The most region codes one filter may list. */
const MAX_FILTER_REGIONS = 100;

const REGIONS_DESCRIPTION =
  'Only events of a case whose region is one of these GB/T 2260 codes or under one (`440600` also matches `440605`); ' +
  'the region is `data.region`, or `data.acceptedRegion` for orders. Events without a region (billing) never match. Null or absent: every region';
const TIERS_DESCRIPTION =
  'Only events whose customer (`data.customerId`) is of one of these tiers; events without a customer never match. Null or absent: every customer';

/** The filters and URL rules creation and PATCH share. */
class RegionFilter {
  @ApiPropertyOptional({ type: [String], nullable: true, example: ['440600'], description: REGIONS_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_FILTER_REGIONS)
  @ArrayUnique()
  @Matches(/^[0-9]{6}$/, { each: true, message: 'each region must be a 6-digit GB/T 2260 region code' })
  regions?: string[] | null;

  @ApiPropertyOptional({ enum: TIERS, isArray: true, nullable: true, example: ['strategic', 'key'], description: TIERS_DESCRIPTION })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(TIERS, { each: true, message: `each tier must be one of: ${TIERS.join(', ')}` })
  customerTiers?: Tier[] | null;
}

export class CreateWebhookDto extends RegionFilter {
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
    description: 'Key of the HMAC-SHA256 signatures (X-FocusOne-Signature, X-FocusOne-Signature-V2); never returned',
  })
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret: string;
}

/** PATCH: the fields given change, the others stay; `null` removes a filter. */
export class UpdateWebhookDto extends RegionFilter {
  @ApiPropertyOptional({
    example: 'https://noc.example.com/hooks/focus-one-v2',
    maxLength: 2048,
    description: 'Checked as on creation: http or https, public addresses only',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ enum: EVENT_TYPES, isArray: true, example: ['sla.breached'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_TYPES, { each: true, message: `each event must be one of: ${EVENT_TYPES.join(', ')}` })
  events?: EventType[];

  @ApiPropertyOptional({
    example: false,
    description: 'false: no delivery is made for new events and the pending ones end failed; true: deliveries resume with the next event',
  })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiProperty({ example: 1, description: 'The version read; 409 STALE_VERSION when it changed since' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class RotateSecretDto {
  @ApiProperty({
    example: 1,
    description: 'The version read; 409 STALE_VERSION when it changed since (a retried rotation does not rotate twice)',
  })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;

  @ApiPropertyOptional({
    example: DEFAULT_OVERLAP_SECONDS,
    default: DEFAULT_OVERLAP_SECONDS,
    minimum: 0,
    maximum: MAX_OVERLAP_SECONDS,
    description: 'How long the current secret stays valid beside the new one; every delivery is signed with both meanwhile. 0: at once',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_SECONDS)
  overlapSeconds?: number;

  @ApiPropertyOptional({
    minLength: 16,
    maxLength: 256,
    writeOnly: true,
    description: 'The new secret; absent: the service draws one (32 random bytes, base64url, `whsec_` prefix)',
  })
  @IsOptional()
  @IsString()
  @MinLength(16)
  @MaxLength(256)
  secret?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'https://noc.example.com/hooks/focus-one' }) url: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true, example: ['sla.breached', 'sla.escalated'] }) events: string[];
  @ApiProperty({ example: true, description: 'false: nothing is delivered (PATCH active)' }) active: boolean;
  @ApiPropertyOptional({ type: [String], nullable: true, example: ['440600'], description: REGIONS_DESCRIPTION })
  regions: string[] | null;
  @ApiPropertyOptional({ enum: TIERS, isArray: true, nullable: true, example: null, description: TIERS_DESCRIPTION })
  customerTiers: Tier[] | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    example: null,
    description:
      'Null: Focus One’s envelope. Else the delivery format of a TM Forum hub subscription (`tmf:customerManagement`), whose `events` are that API’s event types',
  })
  format: string | null;
  @ApiProperty({ example: '…a4b5', description: 'The last 4 characters of the secret, to tell secrets apart' }) secretHint: string;
  @ApiPropertyOptional({
    example: null,
    nullable: true,
    type: String,
    description: 'During a rotation’s overlap: the last 4 characters of the previous secret, still signing',
  })
  previousSecretHint: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'When the previous secret stops signing (null: no overlap running)' })
  previousSecretExpiresAt: Date | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Set once deleted; nothing is delivered after it' })
  deletedAt: Date | null;
}

/** The answer to a rotation: the subscription, and its new secret, shown this once. */
export class RotatedWebhookDto extends WebhookDto {
  @ApiProperty({ example: 'whsec_3q2-7wEXAMPLEa0f9Gf0k1Vb6wq3r5JZ9bEo2dTn6yLx0', description: 'The new secret; never shown again' })
  secret: string;
}

/** What a ping got back from the receiver (the ping is sent while the request waits, not stored). */
export class PingResultDto {
  @ApiProperty({ format: 'uuid', description: 'The `id` of the ping body' }) eventId: string;
  @ApiProperty({ format: 'uuid', description: 'Sent as X-FocusOne-Delivery' }) deliveryId: string;
  @ApiProperty({ example: true, description: 'Whether the receiver answered 2xx' }) delivered: boolean;
  @ApiPropertyOptional({ example: 204, nullable: true, type: Number, description: 'HTTP status, when the receiver answered' })
  statusCode: number | null;
  @ApiPropertyOptional({ example: null, nullable: true, type: String }) error: string | null;
  @ApiProperty({ example: 87 }) durationMs: number;
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
  @ApiPropertyOptional({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Set on a redelivery (POST …/redeliver): the delivery whose event it sends again, under the same event id',
  })
  redeliveryOf: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty({ type: [DeliveryAttemptDto], description: 'Every attempt, oldest first' }) attemptLog: DeliveryAttemptDto[];
}
