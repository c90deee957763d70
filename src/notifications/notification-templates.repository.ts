import { firstRow, rows, sql } from '../common/sql';
import type { Db } from '../common/sql';
import type { NotificationTemplate } from './notification-template.entity';

/** The statements on notification_templates. */

const COLUMNS = sql`event_type AS "eventType", channel, subject, body, version, updated_by AS "updatedBy", updated_at AS "updatedAt"`;

export function allTemplates(db: Db): Promise<NotificationTemplate[]> {
  return rows<NotificationTemplate>(db, sql`SELECT ${COLUMNS} FROM notification_templates`);
}

/** One template, locked for an edit. */
export function lockTemplate(db: Db, eventType: string, channel: string): Promise<NotificationTemplate | undefined> {
  return firstRow<NotificationTemplate>(
    db,
    sql`SELECT ${COLUMNS} FROM notification_templates WHERE event_type = ${eventType} AND channel = ${channel} FOR UPDATE`,
  );
}
