import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { GroupChannelType } from './notifications.port';

/**
 * A region's group channel: a WeCom or DingTalk robot. Its webhook URL
 * (which carries the robot's key or access token) and its signing secret are
 * credentials, stored sealed (src/common/secret-box.ts) and never returned;
 * `webhookUrlHint` is the URL with those values masked. Soft-deleted.
 */
@Entity('notification_channels')
export class NotificationChannel {
  @PrimaryColumn('uuid') id: string;
  @Column('text') region: string;
  @Column('text') type: GroupChannelType;
  @Column('text') name: string;
  @Column('text', { select: false }) webhookUrlSealed: string;
  @Column('text') webhookUrlHint: string;
  @Column('text', { nullable: true, select: false }) secretSealed: string | null;
  @Column('boolean') hasSecret: boolean;
  @Column('boolean') active: boolean;
  @Column('integer') version: number;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('timestamptz') createdAt: Date;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @Column('timestamptz') updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) deletedAt: Date | null;
}
