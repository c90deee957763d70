import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MessageChannel, TemplateEventType } from './notifications.port';

/** The Liquid template of one event type on one channel; seeded in Chinese, edited by admins, versioned. */
@Entity('notification_templates')
export class NotificationTemplate {
  @PrimaryColumn('text') eventType: TemplateEventType;
  @PrimaryColumn('text') channel: MessageChannel;
  /** E-mail subject, DingTalk title; null on WeCom and SMS. */
  @Column({ type: 'text', nullable: true }) subject: string | null;
  @Column('text') body: string;
  @Column('integer') version: number;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @Column('timestamptz') updatedAt: Date;
}
