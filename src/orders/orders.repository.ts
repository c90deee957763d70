import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { regionUnder } from '../common/escape-like';
import { guardedUpdate } from '../common/guarded-update';
import { sql } from '../common/sql';
import type { WriteBatch } from '../common/write-batch';
import type { RowChanges } from '../common/guarded-update';
import { OrderItem } from './order-item.entity';
import type { OrderState } from './order-lifecycle';
import { Order } from './order.entity';
import type { WorkOrder } from './work-order.entity';

/**
 * The statements on orders and their items (the work orders have their own
 * file, work-orders.repository.ts), and the new order's graph as its part of
 * the intake's batch (CaseIntake).
 */

/** What an order list may be narrowed to; `scope` null is the whole country. */
export interface OrderFilter {
  /** The caller's region scope as LIKE patterns (scopePatterns), and the caller. */
  scope: string[] | null;
  me: string;
  customerId?: string;
  state?: OrderState;
  /** A region code or prefix: taken there, or with a work order there. */
  region?: string;
  /** Open and past its committed completion or a breached clock (true), or not (false). */
  overdue?: boolean;
  /** Only these orders. */
  ids?: string[];
  /** In any of these states. */
  states?: OrderState[];
  /** Bounds on the creation time (the TMF622 facade's orderDate.gt/.lt…). */
  createdAt?: { gt?: Date; gte?: Date; lt?: Date; lte?: Date };
}

export interface PageWindow {
  limit: number;
  offset: number;
}

/**
 * maySeeOrder (order-access.ts) as SQL over orders `o`, for lists: the
 * accepted region, the customer's home region or account manager, or a work
 * order's region. The two must say the same thing.
 */
const VISIBLE_TO_SCOPE = `(o.accepted_region LIKE ANY(:scope)
  OR o.customer_id IN (SELECT id FROM customers WHERE home_region LIKE ANY(:scope) OR account_manager_id = :me)
  OR EXISTS (SELECT 1 FROM work_orders sw WHERE sw.order_id = o.id AND sw.region LIKE ANY(:scope)))`;

/** Open, and past its committed completion or with a breached clock. */
const OVERDUE = `(o.state IN ('acknowledged', 'in_progress') AND (o.committed_completion_at < now()
  OR EXISTS (SELECT 1 FROM sla_clocks c WHERE c.case_kind = 'order' AND c.case_id = o.id AND c.breached_at IS NOT NULL)))`;

export function findOrder(em: EntityManager, id: string): Promise<Order | null> {
  return em.findOneBy(Order, { id });
}

/** The order's row, locked for the rest of the transaction (every move of an order or its work orders takes it first). */
export function lockOrder(em: EntityManager, id: string): Promise<Order | null> {
  return em.findOne(Order, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/** One guarded update of the order's row (409 if its version moved); returns the row as written. */
export function updateOrder(em: EntityManager, order: Pick<Order, 'id' | 'version'>, changes: RowChanges<Order>): Promise<Order> {
  return guardedUpdate(em, Order, { id: order.id }, order.version, changes, 'order');
}

/** A page of orders, newest first, and how many match. */
export async function pageOfOrders(em: EntityManager, filter: OrderFilter, page: PageWindow): Promise<{ rows: Order[]; total: number }> {
  const qb = em.getRepository(Order).createQueryBuilder('o');
  if (filter.scope) qb.andWhere(VISIBLE_TO_SCOPE, { scope: filter.scope, me: filter.me });
  if (filter.customerId) qb.andWhere('o.customer_id = :customerId', { customerId: filter.customerId });
  if (filter.state) qb.andWhere('o.state = :state', { state: filter.state });
  if (filter.region) {
    qb.andWhere(
      '(o.accepted_region LIKE :region OR EXISTS (SELECT 1 FROM work_orders rw WHERE rw.order_id = o.id AND rw.region LIKE :region))',
      { region: regionUnder(filter.region) },
    );
  }
  if (filter.overdue !== undefined) qb.andWhere(filter.overdue ? OVERDUE : `NOT ${OVERDUE}`);
  if (filter.ids) qb.andWhere('o.id = ANY(:ids)', { ids: filter.ids });
  if (filter.states) qb.andWhere('o.state = ANY(:states)', { states: filter.states });
  const bounds = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
  for (const [key, op] of Object.entries(bounds) as [keyof typeof bounds, string][]) {
    const at = filter.createdAt?.[key];
    if (at) qb.andWhere(`o.created_at ${op} :created_${key}`, { [`created_${key}`]: at });
  }
  const [rows, total] = await qb.orderBy('o.created_at', 'DESC').addOrderBy('o.id').take(page.limit).skip(page.offset).getManyAndCount();
  return { rows, total };
}

/** Every item of these orders. */
export function itemsOfOrders(em: EntityManager, orderIds: string[]): Promise<OrderItem[]> {
  return em.find(OrderItem, { where: { orderId: In(orderIds) } });
}

/** Every item of these work orders. */
export function itemsOfWorkOrders(em: EntityManager, workOrderIds: string[]): Promise<OrderItem[]> {
  return em.getRepository(OrderItem).createQueryBuilder('i').where('i.work_order_id = ANY(:ids)', { ids: workOrderIds }).getMany();
}

/**
 * A new order, its work orders and its items, as three parts of the intake's
 * batch (one statement: foreign keys are checked at its end, so the children
 * sit beside their parent).
 */
export function insertOrderGraphIn(batch: WriteBatch, o: Order, workOrders: WorkOrder[], items: OrderItem[]): void {
  batch.add(
    sql`INSERT INTO orders (id, case_no, customer_id, accepted_region, contract_no, urgent, requested_completion_at, committed_completion_at,
                            note, state, priority, green_channel, arrears_overridden_by, created_by, version, created_at, updated_at, inquiry_id)
        VALUES (${o.id}, ${o.caseNo}, ${o.customerId}, ${o.acceptedRegion}, ${o.contractNo}, ${o.urgent}, ${o.requestedCompletionAt},
                ${o.committedCompletionAt}, ${o.note}, ${o.state}, ${o.priority}, ${o.greenChannel}, ${o.arrearsOverriddenBy}, ${o.createdBy},
                1, ${o.createdAt}, ${o.createdAt}, ${o.inquiryId})`,
  );
  batch.add(
    sql`INSERT INTO work_orders (id, case_no, order_id, customer_id, region, state, priority, green_channel, due_at, version, created_at, updated_at)
        SELECT x.id, x.case_no, ${o.id}::uuid, ${o.customerId}::uuid, x.region, 'pending', ${o.priority}::smallint, ${o.greenChannel}::boolean,
               x.due_at, 1, ${o.createdAt}::timestamptz, ${o.createdAt}::timestamptz
          FROM unnest(${workOrders.map((w) => w.id)}::uuid[], ${workOrders.map((w) => w.caseNo)}::text[], ${workOrders.map((w) => w.region)}::text[],
                      ${workOrders.map((w) => w.dueAt)}::timestamptz[]) AS x(id, case_no, region, due_at)`,
  );
  batch.add(
    sql`INSERT INTO order_items (id, order_id, work_order_id, line_no, action, product_code, site_id, service_instance_id, quantity, attributes)
        SELECT i.id, ${o.id}::uuid, i.wo, i.line_no, i.action, i.product_code, i.site_id, i.instance, i.quantity, i.attributes
          FROM unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.workOrderId)}::uuid[], ${items.map((i) => i.lineNo)}::smallint[],
                      ${items.map((i) => i.action)}::text[], ${items.map((i) => i.productCode)}::text[], ${items.map((i) => i.siteId)}::uuid[],
                      ${items.map((i) => i.serviceInstanceId)}::uuid[], ${items.map((i) => i.quantity)}::int[],
                      ${items.map((i) => JSON.stringify(i.attributes))}::jsonb[])
               AS i(id, wo, line_no, action, product_code, site_id, instance, quantity, attributes)`,
  );
}
