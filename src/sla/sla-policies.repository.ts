import type { EntityManager } from 'typeorm';
import { SlaPolicy } from './sla-policy.entity';

/** Every policy, by kind then priority. */
export function allPolicies(em: EntityManager): Promise<SlaPolicy[]> {
  return em.find(SlaPolicy, { order: { kind: 'ASC', priority: 'ASC' } });
}

export function policyByKey(em: EntityManager, key: string): Promise<SlaPolicy | null> {
  return em.findOneBy(SlaPolicy, { key });
}

/** The policy, locked for the caller's transaction (an edit). */
export function lockPolicy(em: EntityManager, key: string): Promise<SlaPolicy | null> {
  return em.findOne(SlaPolicy, { where: { key }, lock: { mode: 'pessimistic_write' } });
}
