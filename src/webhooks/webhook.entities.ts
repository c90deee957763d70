import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Tier } from '../customers/customer-record.port';

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Where to POST which event types. Soft-deleted: its deliveries stay listed. */
@Entity('webhook_subscriptions')
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') url: string;
  @Column('text', { array: true }) events: string[];
  /** The HMAC key; never selected unless asked for, never returned by the API. */
  @Column('text', { select: false }) secret: string;
  /** The secret before the last rotation, valid until previousSecretExpiresAt (never returned either). */
  @Column({ type: 'text', nullable: true, select: false }) previousSecret: string | null;
  @Column({ type: 'timestamptz', nullable: true }) previousSecretExpiresAt: Date | null;
  /** Off: the relay creates no delivery for it and its attempts are not sent (ping still is). */
  @Column('boolean') active: boolean;
  /** Only events of a case in one of these regions or under one (null: every region). */
  @Column({ type: 'text', array: true, nullable: true }) regions: string[] | null;
  /** `regions` as LIKE patterns (`4406%`), what the relay matches. */
  @Column({ type: 'text', array: true, nullable: true }) regionPatterns: string[] | null;
  /** Only events of customers of these tiers (null: every customer, and events with none). */
  @Column({ type: 'text', array: true, nullable: true }) customerTiers: Tier[] | null;
  /** Null: Focus One's envelope. Else a registered delivery format (delivery-formats.port.ts); `events` then holds its message types. */
  @Column({ type: 'text', nullable: true }) format: string | null;
  /** The subscriber's own filter text as given (a TM Forum hub's `query`), echoed back; null for plain subscriptions. */
  @Column({ type: 'text', nullable: true }) formatQuery: string | null;
  @Column('integer') version: number;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}

/**
 * One event for one subscription; the relay's are unique per (subscription,
 * event), so two relays never create one twice. A redelivery is another row.
 */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') subscriptionId: string;
  @Column('uuid') eventId: string;
  @Column('text') eventType: string;
  @Column('text') status: DeliveryStatus;
  /** Attempts claimed so far (an attempt is counted when it starts). */
  @Column('integer') attempts: number;
  /** When the next attempt is due; while an attempt runs, the end of its lease. */
  @Column('timestamptz') nextAttemptAt: Date;
  @Column({ type: 'integer', nullable: true }) lastStatusCode: number | null;
  @Column({ type: 'text', nullable: true }) lastError: string | null;
  @Column({ type: 'timestamptz', nullable: true }) deliveredAt: Date | null;
  /** Set on a delivery made by POST …/redeliver: the delivery whose event it sends again. */
  @Column({ type: 'uuid', nullable: true }) redeliveryOf: string | null;
  /** A formatted subscription's message, rendered by the relay (null: Focus One's envelope of the event). */
  @Column({ type: 'jsonb', nullable: true, select: false }) payload: Record<string, unknown> | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

/** One HTTP attempt of a delivery: its outcome, status code or error, and how long it took. */
@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('uuid') deliveryId: string;
  @Column('integer') attempt: number;
  @Column('timestamptz') startedAt: Date;
  @Column('integer') durationMs: number;
  @Column({ type: 'integer', nullable: true }) statusCode: number | null;
  @Column({ type: 'text', nullable: true }) error: string | null;
}
