import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { regionUnder } from '../common/escape-like';
import { guardedUpdate } from '../common/guarded-update';
import type { RowChanges } from '../common/guarded-update';
import { execute, firstRow, rows, sql } from '../common/sql';
import type { Db } from '../common/sql';
import type { OrderState, WorkOrderState } from './order-lifecycle';
import type { PageWindow } from './orders.repository';
import type { DispatchChannel } from './work-order.entity';
import { WorkOrder } from './work-order.entity';

/** The statements on work orders (one row per region an order reaches). */

/** What a work order list may be narrowed to; `scope` null is the whole country. */
export interface WorkOrderFilter {
  /** The caller's region scope as LIKE patterns (scopePatterns). */
  scope: string[] | null;
  /** A region code or prefix. */
  region?: string;
  state?: WorkOrderState;
  orderId?: string;
}

/** A work order the fulfilment queue has just dispatched, with what its event needs of the order. */
export interface DispatchedWorkOrder {
  id: string;
  caseNo: string;
  orderId: string;
  orderCaseNo: string;
  customerId: string;
  region: string;
  priority: number;
  greenChannel: boolean;
  dueAt: Date;
  dispatchedVia: DispatchChannel;
}

export function findWorkOrder(em: EntityManager, id: string): Promise<WorkOrder | null> {
  return em.findOneBy(WorkOrder, { id });
}

/** The work order's row, locked for the rest of the transaction (after its order's row: see WorkOrdersService). */
export function lockWorkOrder(em: EntityManager, id: string): Promise<WorkOrder | null> {
  return em.findOne(WorkOrder, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/**
 * Every work order of an order, locked in region order: the order the
 * fulfilment queue's batches lock them in too, so the two never deadlock.
 */
export function lockWorkOrdersOfOrder(em: EntityManager, orderId: string): Promise<WorkOrder[]> {
  return em.find(WorkOrder, { where: { orderId }, lock: { mode: 'pessimistic_write' }, order: { region: 'ASC' } });
}

/** Which order a work order belongs to and its region, without locking anything (to decide who may move it). */
export async function workOrderPlace(db: Db, id: string): Promise<{ orderId: string; region: string } | undefined> {
  const row = await firstRow<{ order_id: string; region: string }>(db, sql`SELECT order_id, region FROM work_orders WHERE id = ${id}`);
  return row && { orderId: row.order_id, region: row.region };
}

/** The regions an order's work orders are in. */
export async function workOrderRegionsOfOrder(db: Db, orderId: string): Promise<string[]> {
  const found = await rows<{ region: string }>(db, sql`SELECT region FROM work_orders WHERE order_id = ${orderId}`);
  return found.map((r) => r.region);
}

/** Each work order's state and region, for deriving the order's state. */
export function workOrderStatesOfOrder(db: Db, orderId: string): Promise<{ state: WorkOrderState; region: string }[]> {
  return rows<{ state: WorkOrderState; region: string }>(db, sql`SELECT state, region FROM work_orders WHERE order_id = ${orderId}`);
}

/** Every work order of these orders. */
export function workOrdersOfOrders(em: EntityManager, orderIds: string[]): Promise<WorkOrder[]> {
  return em.find(WorkOrder, { where: { orderId: In(orderIds) } });
}

/** One guarded update of a work order's row (409 if its version moved); returns the row as written. */
export function updateWorkOrder(
  em: EntityManager,
  wo: Pick<WorkOrder, 'id' | 'version'>,
  changes: RowChanges<WorkOrder>,
): Promise<WorkOrder> {
  return guardedUpdate(em, WorkOrder, { id: wo.id }, wo.version, changes, 'work order');
}

/** A page of work orders, most urgent first (priority, green channel, due time), and how many match. */
export async function pageOfWorkOrders(
  em: EntityManager,
  filter: WorkOrderFilter,
  page: PageWindow,
): Promise<{ rows: WorkOrder[]; total: number }> {
  const qb = em.getRepository(WorkOrder).createQueryBuilder('w');
  if (filter.scope) qb.andWhere('w.region LIKE ANY(:scope)', { scope: filter.scope });
  if (filter.region) qb.andWhere('w.region LIKE :region', { region: regionUnder(filter.region) });
  if (filter.state) qb.andWhere('w.state = :state', { state: filter.state });
  if (filter.orderId) qb.andWhere('w.order_id = :orderId', { orderId: filter.orderId });
  const [found, total] = await qb
    .orderBy('w.priority')
    .addOrderBy('w.green_channel', 'DESC')
    .addOrderBy('w.due_at')
    .addOrderBy('w.id')
    .take(page.limit)
    .skip(page.offset)
    .getManyAndCount();
  return { rows: found, total };
}

/**
 * pending → dispatched for many work orders in one statement. Rows are locked
 * in (order, region) order, the order a cancel locks an order's work orders
 * in, so a batch and a cancel never deadlock; one cancelled or dispatched
 * meanwhile no longer matches (FOR UPDATE re-checks `state = 'pending'`).
 * The version is bumped here rather than through guardedUpdate: the rows are
 * locked and re-checked, and one statement for the whole batch is what keeps
 * the fulfilment queue at a few statements per batch. Returns the rows
 * dispatched now.
 */
export async function markPendingDispatched(db: Db, dispatches: { id: string; via: DispatchChannel }[]): Promise<DispatchedWorkOrder[]> {
  const ids = dispatches.map((d) => d.id);
  const found = await rows<{
    id: string;
    case_no: string;
    order_id: string;
    order_case_no: string;
    customer_id: string;
    region: string;
    priority: number;
    green_channel: boolean;
    due_at: Date;
    dispatched_via: DispatchChannel;
  }>(
    db,
    sql`WITH locked AS MATERIALIZED (
          SELECT id FROM work_orders WHERE id = ANY(${ids}::uuid[]) AND state = 'pending' ORDER BY order_id, region FOR UPDATE
        )
        UPDATE work_orders w
           SET state = 'dispatched', dispatched_via = x.via, dispatched_at = now(), updated_at = now(), version = w.version + 1
          FROM locked l, unnest(${ids}::uuid[], ${dispatches.map((d) => d.via)}::text[]) AS x(id, via), orders o
         WHERE w.id = l.id AND x.id = w.id AND o.id = w.order_id
        RETURNING w.id, w.case_no, w.order_id, w.customer_id, w.region, w.priority, w.green_channel, w.due_at, w.dispatched_via,
                  o.case_no AS order_case_no`,
  );
  return found.map((w) => ({
    id: w.id,
    caseNo: w.case_no,
    orderId: w.order_id,
    orderCaseNo: w.order_case_no,
    customerId: w.customer_id,
    region: w.region,
    priority: w.priority,
    greenChannel: w.green_channel,
    dueAt: w.due_at,
    dispatchedVia: w.dispatched_via,
  }));
}

/**
 * Work orders still pending well after they were taken, or retried (version
 * past 1), and their fulfilment job was lost; oldest first, at most `limit`.
 * A younger one may simply not have been picked up yet.
 */
export async function workOrdersLongPending(
  db: Db,
  limit: number,
): Promise<Pick<WorkOrder, 'id' | 'priority' | 'greenChannel' | 'version'>[]> {
  const found = await rows<{ id: string; priority: number; green_channel: boolean; version: number }>(
    db,
    sql`SELECT id, priority, green_channel, version FROM work_orders
         WHERE state = 'pending' AND created_at < now() - interval '30 seconds'
           AND (version = 1 OR updated_at < now() - interval '30 seconds')
         ORDER BY created_at LIMIT ${limit}`,
  );
  return found.map((w) => ({ id: w.id, priority: w.priority, greenChannel: w.green_channel, version: w.version }));
}

/** The orders of these work orders, by id: what a work order's view shows of its order. */
export async function ordersOfWorkOrders(
  db: Db,
  orderIds: string[],
): Promise<Map<string, { caseNo: string; contractNo: string | null; state: OrderState }>> {
  const found = await rows<{ id: string; case_no: string; contract_no: string | null; state: OrderState }>(
    db,
    sql`SELECT id, case_no, contract_no, state FROM orders WHERE id = ANY(${orderIds}::uuid[])`,
  );
  return new Map(found.map((o) => [o.id, { caseNo: o.case_no, contractNo: o.contract_no, state: o.state }]));
}

/** Records on each order line the service instance its completion created or changed. */
export async function linkItemsToInstances(db: Db, links: Map<string, string>): Promise<void> {
  if (!links.size) return;
  await execute(
    db,
    sql`UPDATE order_items i SET service_instance_id = x.instance
          FROM unnest(${[...links.keys()]}::uuid[], ${[...links.values()]}::uuid[]) AS x(id, instance)
         WHERE i.id = x.id`,
  );
}
