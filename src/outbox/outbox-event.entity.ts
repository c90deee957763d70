import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An event, written in the same transaction as the change that caused it, then relayed. */
@Entity('outbox_events')
export class OutboxEvent {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'bigint', insert: false, update: false }) seq: string;
  @Column('text') type: string;
  @Column({ type: 'timestamptz', insert: false, update: false }) occurredAt: Date;
  @Column('jsonb') data: Record<string, unknown>;
  @Column({ type: 'timestamptz', nullable: true }) relayedAt: Date | null;
}
