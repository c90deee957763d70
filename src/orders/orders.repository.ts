import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { regionUnder } from '../common/escape-like';
import { guardedUpdate } from '../common/guarded-update';
import type { RowChanges } from '../common/guarded-update';
import { OrderItem } from './order-item.entity';
import type { OrderState } from './order-lifecycle';
import { Order } from './order.entity';

/**
 * The statements on orders and their items (the work orders have their own
 * file, work-orders.repository.ts). The order intake writes its rows elsewhere
 * (it builds the whole graph in one statement).
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
