import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { staleVersion } from './errors/common-errors';
import { Sql, join, raw, rows, sql } from './sql';

/** New values by property name; an `Sql` value is an expression on the row (`sql\`token_version + 1\``). */
export type RowChanges<T> = { [K in keyof T]?: T[K] | Sql };

const quoted = (identifier: string) => raw(`"${identifier.replace(/"/g, '""')}"`);

/**
 * Optimistic concurrency: `UPDATE … SET …, version = version + 1 WHERE <where>
 * AND version = <expected>`. Zero rows means someone else won: 409 with the
 * current version. Every version bump goes through here (a row locked with
 * FOR UPDATE passes the version it read). Returns the updated row.
 *
 * Column names and value conversions (jsonb, dates) come from the entity's
 * TypeORM metadata, so callers name properties, never columns.
 */
export async function guardedUpdate<T extends ObjectLiteral & { version: number }>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: Partial<T>,
  expectedVersion: number,
  changes: RowChanges<T>,
  label: string,
): Promise<T> {
  const meta = em.connection.getMetadata(entity);
  const column = (property: string, value: unknown): Sql => {
    const col = meta.findColumnWithPropertyName(property);
    if (!col) throw new Error(`${meta.name} has no column for property ${property}`);
    const expression = value instanceof Sql ? value : sql`${em.connection.driver.preparePersistentValue(value, col)}`;
    return sql`${quoted(col.databaseName)} = ${expression}`;
  };
  const defined = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const sets = defined(changes).map(([k, v]) => column(k, v));
  sets.push(sql`version = version + 1`);
  const updatedAt = meta.updateDateColumn ?? meta.findColumnWithPropertyName('updatedAt');
  if (updatedAt && !('updatedAt' in changes)) sets.push(sql`${quoted(updatedAt.databaseName)} = now()`);
  const conditions = [...defined(where).map(([k, v]) => column(k, v)), sql`version = ${expectedVersion}`];
  const table = quoted(meta.tableName);
  const [updated] = await rows<Record<string, unknown>>(
    em,
    sql`UPDATE ${table} SET ${join(sets, ', ')} WHERE ${join(conditions, ' AND ')} RETURNING *`,
  );
  if (!updated) {
    const current = await em.findOne(entity, { where });
    throw staleVersion(label, expectedVersion, current?.version);
  }
  // The row as the entity, straight from RETURNING (no second read).
  const row = em.create(entity);
  for (const col of meta.columns) {
    col.setEntityValue(row, em.connection.driver.prepareHydratedValue(updated[col.databaseName], col));
  }
  return row;
}
