import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { regionUnder } from '../common/escape-like';
import type { Db } from '../common/sql';
import { rows, sql } from '../common/sql';
import { restrictCaseList } from '../customers/customer-access.port';
import type { CallbackQuery } from './dto/callback.dto';
import { Callback, CallbackAttempt } from './callback.entity';

/**
 * A new call-back, unless the case already has one (UNIQUE (case_kind,
 * case_id)): true when this statement inserted it. The closing's
 * transaction holds the case's row lock, so two closings cannot race here;
 * the conflict clause keeps "one per case" whatever calls it.
 */
export async function insertCallback(db: Db, c: Callback): Promise<boolean> {
  const inserted = await rows<{ id: string }>(
    db,
    sql`INSERT INTO callbacks (id, callback_no, case_kind, case_id, case_number, customer_id, region, priority, green_channel, selected_by,
                               site_id, contact_name, contact_mobile, state, attempts, due_at, version, created_at, updated_at)
        VALUES (${c.id}, ${c.callbackNo}, ${c.caseKind}, ${c.caseId}, ${c.caseNumber}, ${c.customerId}, ${c.region}, ${c.priority},
                ${c.greenChannel}, ${c.selectedBy}, ${c.siteId}, ${c.contactName}, ${c.contactMobile}, ${c.state}, ${c.attempts},
                ${c.dueAt}, ${c.version}, ${c.createdAt}, ${c.updatedAt})
        ON CONFLICT (case_kind, case_id) DO NOTHING
        RETURNING id`,
  );
  return inserted.length === 1;
}

/** One call-back locked for the caller's transaction (attempts and complaints serialise on it). */
export function lockCallback(em: EntityManager, id: string): Promise<Callback | null> {
  return em.findOne(Callback, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/**
 * One page of the call-backs the caller may list: the case modules' list
 * rule (their region, their customer's home region, or the caller manages
 * the customer), the most urgent first (the earliest due among the open ones,
 * then the finished ones newest first).
 */
export function callbackPage(em: EntityManager, auth: AuthContext, q: CallbackQuery): Promise<[Callback[], number]> {
  const qb = em.getRepository(Callback).createQueryBuilder('c');
  restrictCaseList(qb, 'c', auth);
  if (q.region) qb.andWhere('c.region LIKE :region', { region: regionUnder(q.region) });
  if (q.state) qb.andWhere('c.state = :state', { state: q.state });
  return qb
    .orderBy('c.finished_at IS NULL', 'DESC')
    .addOrderBy('c.due_at', 'ASC')
    .addOrderBy('c.id')
    .take(q.limit)
    .skip(q.offset)
    .getManyAndCount();
}

export async function insertAttempt(em: EntityManager, a: CallbackAttempt): Promise<void> {
  await em.insert(CallbackAttempt, a);
}

export function attemptsOf(em: EntityManager, callbackId: string): Promise<CallbackAttempt[]> {
  return em.find(CallbackAttempt, { where: { callbackId }, order: { n: 'ASC' } });
}
