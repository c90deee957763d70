import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { staleVersion } from './errors/common-errors';

/**
 * Optimistic concurrency: `UPDATE … SET …, version = version + 1 WHERE id = $id
 * AND version = $expected`. Zero rows means someone else won: 409 with the
 * current version. Returns the updated row.
 */
export async function guardedUpdate<T extends ObjectLiteral & { version: number }>(
  em: EntityManager,
  entity: EntityTarget<T>,
  where: Record<string, unknown>,
  expectedVersion: number,
  changes: Partial<T>,
  label: string,
): Promise<T> {
  const result = await em
    .createQueryBuilder()
    .update(entity)
    .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
    .where({ ...where, version: expectedVersion })
    .execute();
  if (!result.affected) {
    const current = await em.findOne(entity, { where: where as never });
    throw staleVersion(label, expectedVersion, (current as { version?: number } | null)?.version);
  }
  return (await em.findOne(entity, { where: where as never }))!;
}
