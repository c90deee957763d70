import type { EntityManager } from 'typeorm';
import type { CancelRequest, ProductOrderExtras, TmfNote } from './product-order-mapping';

/**
 * The facade's own tables (migration 1796020000000): what it keeps beside an
 * order (tmf_product_orders) and its cancel requests
 * (tmf_cancel_product_orders). Orders themselves are read only through
 * OrdersService.
 */

interface ExtrasRow {
  order_id: string;
  external_id: string | null;
  description: string | null;
  category: string | null;
  item_ids: string[];
  notes: TmfNote[];
}

const toExtras = (r: ExtrasRow): ProductOrderExtras => ({
  externalId: r.external_id,
  description: r.description,
  category: r.category,
  itemIds: r.item_ids,
  notes: r.notes,
});

/** Written in the order's transaction (OrdersService.create's `alsoIn`). */
export async function insertExtras(em: EntityManager, orderId: string, x: ProductOrderExtras, now: Date): Promise<void> {
  await em.query(
    `INSERT INTO tmf_product_orders (order_id, external_id, description, category, item_ids, notes, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`,
    [orderId, x.externalId, x.description, x.category, x.itemIds, JSON.stringify(x.notes), now],
  );
}

/** The extras of these orders (an order taken on the console has none). */
export async function extrasOf(em: EntityManager, orderIds: string[]): Promise<Map<string, ProductOrderExtras>> {
  if (!orderIds.length) return new Map();
  const rows = await em.query<ExtrasRow[]>(
    `SELECT order_id, external_id, description, category, item_ids, notes FROM tmf_product_orders WHERE order_id = ANY($1::uuid[])`,
    [orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, toExtras(r)]));
}

/**
 * The extras of one order, locked for a PATCH; an order without any gets
 * its row first (item ids: its line numbers, as they are served).
 */
export async function lockExtras(em: EntityManager, orderId: string, lines: number, now: Date): Promise<ProductOrderExtras> {
  await em.query(
    `INSERT INTO tmf_product_orders (order_id, item_ids, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (order_id) DO NOTHING`,
    [orderId, Array.from({ length: lines }, (_, i) => String(i + 1)), now],
  );
  const [row] = await em.query<ExtrasRow[]>(
    `SELECT order_id, external_id, description, category, item_ids, notes FROM tmf_product_orders WHERE order_id = $1 FOR UPDATE`,
    [orderId],
  );
  return toExtras(row);
}

export async function updateExtras(em: EntityManager, orderId: string, x: ProductOrderExtras, now: Date): Promise<void> {
  await em.query(
    `UPDATE tmf_product_orders SET external_id = $2, description = $3, category = $4, notes = $5, version = version + 1, updated_at = $6
      WHERE order_id = $1`,
    [orderId, x.externalId, x.description, x.category, JSON.stringify(x.notes), now],
  );
}

/** The orders whose externalId is one of these. */
export async function ordersWithExternalId(em: EntityManager, externalIds: string[]): Promise<string[]> {
  const rows = await em.query<{ order_id: string }[]>(`SELECT order_id FROM tmf_product_orders WHERE external_id = ANY($1::text[])`, [
    externalIds,
  ]);
  return rows.map((r) => r.order_id);
}

interface CancelRow {
  id: string;
  order_id: string;
  reason: string;
  requested_cancellation_date: Date | null;
  effective_cancellation_date: Date;
  state: 'done';
  created_at: Date;
}

const toCancel = (r: CancelRow): CancelRequest => ({
  id: r.id,
  orderId: r.order_id,
  reason: r.reason,
  requestedCancellationDate: r.requested_cancellation_date,
  effectiveCancellationDate: r.effective_cancellation_date,
  state: r.state,
  createdAt: r.created_at,
});

/** Written in the cancel's transaction (OrdersService.cancel's `alsoIn`). */
export async function insertCancel(em: EntityManager, c: CancelRequest, createdBy: string): Promise<void> {
  await em.query(
    `INSERT INTO tmf_cancel_product_orders (id, order_id, reason, requested_cancellation_date, effective_cancellation_date, state, created_by, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [c.id, c.orderId, c.reason, c.requestedCancellationDate, c.effectiveCancellationDate, c.state, createdBy, c.createdAt],
  );
}

export async function findCancel(em: EntityManager, id: string): Promise<CancelRequest | null> {
  const [row] = await em.query<CancelRow[]>(`SELECT * FROM tmf_cancel_product_orders WHERE id = $1`, [id]);
  return row ? toCancel(row) : null;
}

/** What a cancel list may be narrowed to before the caller's reach is applied. */
export interface CancelFilter {
  ids?: string[];
  orderIds?: string[];
  states?: string[];
  effective?: { gt?: Date; gte?: Date; lt?: Date; lte?: Date };
}

/** At most this many cancel requests are considered for one list (newest first); the reach is checked on them. */
export const MAX_CANCELS_LISTED = 5000;

/** Cancel requests matching the filter, newest first. */
export async function cancelsWhere(em: EntityManager, f: CancelFilter): Promise<CancelRequest[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.ids) add((p) => `id = ANY(${p}::uuid[])`, f.ids);
  if (f.orderIds) add((p) => `order_id = ANY(${p}::uuid[])`, f.orderIds);
  if (f.states) add((p) => `state = ANY(${p}::text[])`, f.states);
  const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  for (const [k, op] of Object.entries(ops) as [keyof typeof ops, string][]) {
    const at = f.effective?.[k];
    if (at) add((p) => `effective_cancellation_date ${op} ${p}`, at);
  }
  const rows = await em.query<CancelRow[]>(
    `SELECT * FROM tmf_cancel_product_orders ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id LIMIT ${MAX_CANCELS_LISTED}`,
    params,
  );
  return rows.map(toCancel);
}
