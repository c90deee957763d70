import type { EntityManager } from 'typeorm';
import type { Db } from '../common/sql';
import { execute, firstRow, raw, rows, sql } from '../common/sql';
import type { EscalationLevels } from './escalation-rules.port';
import type { EscalationPolicy } from './escalation-policy.entity';

const POLICY_COLUMNS = raw(`region, levels, version, updated_by AS "updatedBy", updated_at AS "updatedAt"`);

/** The policies of the regions of `chain` (most specific first), in that order: the first is the one in force. */
export function policiesAlong(db: Db, chain: string[]): Promise<EscalationPolicy[]> {
  return rows<EscalationPolicy>(
    db,
    sql`SELECT ${POLICY_COLUMNS} FROM escalation_policies WHERE region = ANY(${chain}::text[])
         ORDER BY array_position(${chain}::text[], region)`,
  );
}

/** The region's own policy, locked for the caller's transaction (an edit or a removal). */
export function lockPolicy(em: EntityManager, region: string): Promise<EscalationPolicy | undefined> {
  return firstRow<EscalationPolicy>(em, sql`SELECT ${POLICY_COLUMNS} FROM escalation_policies WHERE region = ${region} FOR UPDATE`);
}

/** A region's first own policy at version 1; undefined when someone created one first (the caller answers 409). */
export function insertPolicy(db: Db, region: string, levels: EscalationLevels, updatedBy: string): Promise<EscalationPolicy | undefined> {
  return firstRow<EscalationPolicy>(
    db,
    sql`INSERT INTO escalation_policies (region, levels, updated_by) VALUES (${region}, ${JSON.stringify(levels)}::jsonb, ${updatedBy})
        ON CONFLICT (region) DO NOTHING RETURNING ${POLICY_COLUMNS}`,
  );
}

export async function deletePolicy(db: Db, region: string): Promise<void> {
  await execute(db, sql`DELETE FROM escalation_policies WHERE region = ${region}`);
}
