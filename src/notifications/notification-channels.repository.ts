import { empty, firstRow, rows, sql } from '../common/sql';
import type { Db } from '../common/sql';
import type { GroupChannelType } from './notifications.port';

/** The statements on notification_channels: the regions' group robots. */

/** A channel as the API shows it: never its sealed credentials. */
export interface ChannelRow {
  id: string;
  region: string;
  type: GroupChannelType;
  name: string;
  webhookUrlHint: string;
  hasSecret: boolean;
  active: boolean;
  version: number;
  createdBy: string | null;
  createdAt: Date;
  updatedBy: string | null;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** A channel with its sealed credentials, for sending. */
export interface SealedChannelRow extends ChannelRow {
  webhookUrlSealed: string;
  secretSealed: string | null;
}

const COLUMNS = sql`id, region, type, name, webhook_url_hint AS "webhookUrlHint", has_secret AS "hasSecret", active, version,
  created_by AS "createdBy", created_at AS "createdAt", updated_by AS "updatedBy", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;
const SEALED = sql`, webhook_url_sealed AS "webhookUrlSealed", secret_sealed AS "secretSealed"`;

/** The unique index a second live channel with the same name in a region fails on (23505). */
export const CHANNEL_NAME_INDEX = 'notification_channels_region_name_uq';

export async function insertChannel(
  db: Db,
  c: {
    id: string;
    region: string;
    type: GroupChannelType;
    name: string;
    webhookUrlSealed: string;
    webhookUrlHint: string;
    secretSealed: string | null;
    active: boolean;
    createdBy: string;
  },
): Promise<ChannelRow> {
  const [row] = await rows<ChannelRow>(
    db,
    sql`INSERT INTO notification_channels (id, region, type, name, webhook_url_sealed, webhook_url_hint, secret_sealed, active, created_by, updated_by)
        VALUES (${c.id}, ${c.region}, ${c.type}, ${c.name}, ${c.webhookUrlSealed}, ${c.webhookUrlHint}, ${c.secretSealed}, ${c.active},
                ${c.createdBy}, ${c.createdBy})
        RETURNING ${COLUMNS}`,
  );
  return row;
}

export function channelById(db: Db, id: string): Promise<ChannelRow | undefined> {
  return firstRow<ChannelRow>(db, sql`SELECT ${COLUMNS} FROM notification_channels WHERE id = ${id}`);
}

/** The live channel with its sealed credentials, locked for an update. */
export function lockLiveChannel(db: Db, id: string): Promise<SealedChannelRow | undefined> {
  return firstRow<SealedChannelRow>(
    db,
    sql`SELECT ${COLUMNS} ${SEALED} FROM notification_channels WHERE id = ${id} AND deleted_at IS NULL FOR UPDATE`,
  );
}

export interface ChannelFilter {
  region?: string;
  type?: GroupChannelType;
  active?: boolean;
  includeDeleted?: boolean;
}

export async function channelPage(db: Db, f: ChannelFilter, limit: number, offset: number): Promise<{ rows: ChannelRow[]; total: number }> {
  const where = sql`WHERE true
    ${f.region ? sql`AND region = ${f.region}` : empty}
    ${f.type ? sql`AND type = ${f.type}` : empty}
    ${f.active !== undefined ? sql`AND active = ${f.active}` : empty}
    ${f.includeDeleted ? empty : sql`AND deleted_at IS NULL`}`;
  const [found, [{ total }]] = await Promise.all([
    rows<ChannelRow>(
      db,
      sql`SELECT ${COLUMNS} FROM notification_channels ${where} ORDER BY region, type, name, id LIMIT ${limit} OFFSET ${offset}`,
    ),
    rows<{ total: number }>(db, sql`SELECT count(*)::int AS total FROM notification_channels ${where}`),
  ]);
  return { rows: found, total };
}

/** The live, active channels of these regions, with their sealed credentials. */
export function activeChannelsIn(db: Db, regions: string[], type?: GroupChannelType): Promise<SealedChannelRow[]> {
  return rows<SealedChannelRow>(
    db,
    sql`SELECT ${COLUMNS} ${SEALED} FROM notification_channels
         WHERE region = ANY(${regions}::text[]) AND active AND deleted_at IS NULL ${type ? sql`AND type = ${type}` : empty}
         ORDER BY created_at, id`,
  );
}

/** One live channel with its sealed credentials (active or not: the caller decides). */
export function liveSealedChannel(db: Db, id: string): Promise<SealedChannelRow | undefined> {
  return firstRow<SealedChannelRow>(
    db,
    sql`SELECT ${COLUMNS} ${SEALED} FROM notification_channels WHERE id = ${id} AND deleted_at IS NULL`,
  );
}

/** Soft delete; the row as it was, or undefined when there was no live one. */
export function softDeleteChannel(db: Db, id: string, by: string): Promise<ChannelRow | undefined> {
  return firstRow<ChannelRow>(
    db,
    sql`UPDATE notification_channels SET deleted_at = now(), active = false, updated_by = ${by}, updated_at = now()
         WHERE id = ${id} AND deleted_at IS NULL RETURNING ${COLUMNS}`,
  );
}

export async function liveChannelCount(db: Db): Promise<number> {
  const [{ n }] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM notification_channels WHERE deleted_at IS NULL`);
  return n;
}
