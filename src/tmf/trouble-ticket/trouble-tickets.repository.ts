import type { AuthContext } from '../../common/auth/auth-context';
import { scopePatterns } from '../../common/auth/region-scope';
import type { Db, Sql } from '../../common/sql';
import { execute, join, raw, rows, sql } from '../../common/sql';
import type { FilterOp } from '../common/tmf-query';
import type { RelatedEntity } from './trouble-ticket-input';
import { SEVERITY_TABLE, STATUS_TABLE, tmfSeverityOf } from './trouble-ticket-mapping';

/*
 * The facade's own table (trouble_tickets: what a TMF client sent, as sent)
 * and the list's one statement. The list reads `faults` beside it, as the
 * console and the reports read the case tables: a reader, by the faults'
 * list rule (a fault's region, its customer's home region, or the caller
 * manages the customer), then FaultsService.listed renders the page.
 */

/** What the facade keeps of a ticket a TMF client opened. */
export interface TicketAttributes {
  faultId: string;
  name: string | null;
  severity: string;
  ticketType: string;
  externalId: string | null;
  channel: Record<string, unknown> | null;
  relatedEntity: RelatedEntity[];
}

export function insertAttributes(db: Db, a: TicketAttributes): Promise<void> {
  return execute(
    db,
    sql`INSERT INTO trouble_tickets (fault_id, name, severity, ticket_type, external_id, channel, related_entity)
        VALUES (${a.faultId}, ${a.name}, ${a.severity}, ${a.ticketType}, ${a.externalId},
                ${a.channel === null ? null : JSON.stringify(a.channel)}::jsonb, ${JSON.stringify(a.relatedEntity)}::jsonb)`,
  );
}

/** A ticket linked through PATCH: the related entities it now names (added to those it had). */
export function addRelatedEntities(db: Db, faultId: string, fallback: { severity: string; ticketType: string }, more: RelatedEntity[]) {
  return execute(
    db,
    sql`INSERT INTO trouble_tickets (fault_id, severity, ticket_type, related_entity)
        VALUES (${faultId}, ${fallback.severity}, ${fallback.ticketType}, ${JSON.stringify(more)}::jsonb)
        ON CONFLICT (fault_id) DO UPDATE SET related_entity = trouble_tickets.related_entity || EXCLUDED.related_entity`,
  );
}

export async function attributesOf(db: Db, faultIds: string[]): Promise<Map<string, TicketAttributes>> {
  if (!faultIds.length) return new Map();
  const found = await rows<TicketAttributes>(
    db,
    sql`SELECT fault_id AS "faultId", name, severity, ticket_type AS "ticketType", external_id AS "externalId", channel,
               related_entity AS "relatedEntity"
          FROM trouble_tickets WHERE fault_id = ANY(${faultIds}::uuid[])`,
  );
  return new Map(found.map((a) => [a.faultId, a]));
}

/** A timeline line the ticket renders: its notes and its status changes. */
export interface TicketLine {
  id: string;
  caseId: string;
  at: Date;
  type: 'created' | 'state_changed' | 'note';
  actorName: string | null;
  data: Record<string, unknown>;
}

export async function linesOf(db: Db, faultIds: string[]): Promise<Map<string, TicketLine[]>> {
  const out = new Map<string, TicketLine[]>(faultIds.map((id) => [id, []]));
  if (!faultIds.length) return out;
  const found = await rows<TicketLine>(
    db,
    sql`SELECT id::text, case_id AS "caseId", at, type, actor_name AS "actorName", data
          FROM case_timeline
         WHERE case_kind IN ('fault', 'complaint') AND case_id = ANY(${faultIds}::uuid[]) AND type IN ('created', 'state_changed', 'note')
         ORDER BY case_id, id`,
  );
  for (const l of found) out.get(l.caseId)?.push(l);
  return out;
}

/** The TMF attributes the list filters on, as SQL over `f` (faults) and `t` (trouble_tickets). */
const SEVERITY_NAME = raw(
  `CASE f.severity ${SEVERITY_TABLE.map((r) => `WHEN '${r.severity}' THEN '${tmfSeverityOf(r.severity)}'`).join(' ')} END`,
);
const EXACT: Record<string, Sql> = {
  id: sql`f.id::text`,
  name: sql`coalesce(t.name, f.title)`,
  description: sql`f.description`,
  severity: sql`coalesce(t.severity, ${SEVERITY_NAME})`,
  ticketType: sql`coalesce(t.ticket_type, f.category)`,
  externalId: sql`t.external_id`,
  priority: sql`('P' || f.priority)`,
  'relatedParty.id': sql`f.customer_id::text`,
};
export const STATUS_COLUMN = 'status';
export const EXACT_FILTERS = [...Object.keys(EXACT), STATUS_COLUMN] as const;
const DATES: Record<string, Sql> = {
  creationDate: sql`f.created_at`,
  lastUpdate: sql`f.updated_at`,
  resolutionDate: sql`f.resolved_at`,
};
export const DATE_FILTERS = Object.keys(DATES);
const OPS: Record<FilterOp, string> = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' };

export interface TicketListFilter {
  exact: { attribute: string; values: string[] }[];
  dates: { attribute: string; op: FilterOp; value: Date }[];
  offset: number;
  limit: number;
}

/** One page of ticket ids the caller may list, newest first, and the total. */
export async function ticketPage(db: Db, auth: AuthContext, f: TicketListFilter): Promise<{ ids: string[]; total: number }> {
  const where: Sql[] = [sql`true`];
  const scope = scopePatterns(auth);
  if (scope) {
    where.push(
      sql`(f.region LIKE ANY(${scope}::text[]) OR f.customer_id IN (SELECT id FROM customers WHERE home_region LIKE ANY(${scope}::text[]) OR account_manager_id = ${auth.staffId}))`,
    );
  }
  for (const e of f.exact) {
    if (e.attribute === STATUS_COLUMN) {
      const states = Object.entries(STATUS_TABLE)
        .filter(([, tmf]) => e.values.includes(tmf))
        .map(([state]) => state);
      where.push(sql`f.state = ANY(${states}::text[])`);
    } else {
      where.push(sql`${EXACT[e.attribute]} = ANY(${e.values}::text[])`);
    }
  }
  for (const d of f.dates) where.push(sql`${DATES[d.attribute]} ${raw(OPS[d.op])} ${d.value}`);
  const found = await rows<{ id: string; total: number }>(
    db,
    sql`SELECT f.id, count(*) OVER ()::int AS total
          FROM faults f LEFT JOIN trouble_tickets t ON t.fault_id = f.id
         WHERE ${join(where, ' AND ')}
         ORDER BY f.created_at DESC, f.id
         LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
  if (found.length || f.offset === 0) return { ids: found.map((r) => r.id), total: found[0]?.total ?? 0 };
  // Past the last page: the window count came with no row, so count on its own.
  const [{ total }] = await rows<{ total: number }>(
    db,
    sql`SELECT count(*)::int AS total FROM faults f LEFT JOIN trouble_tickets t ON t.fault_id = f.id WHERE ${join(where, ' AND ')}`,
  );
  return { ids: [], total };
}
