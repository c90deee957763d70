import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CasesService } from '../cases/cases.service';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { CustomerFulfilmentService } from '../customers/customer-fulfilment.service';
import type { FulfilledLine } from '../customers/customer-fulfilment.service';
import { OutboxService } from '../outbox/outbox.service';
import { ProductsService } from '../products/products.service';
import { RegionsService } from '../regions/regions.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { RetryWorkOrderDto, WorkOrderDetailDto, WorkOrderQuery, WorkOrderTransitionDto } from './dto/order.dto';
import type { FieldError } from '../common/errors/domain-error';
import {
  ORDER_FINAL_STATES,
  WORK_ORDER_NEEDS_REASON,
  WORK_ORDER_OPEN_STATES,
  canMoveWorkOrder,
  deriveOrderState,
  everyRegionTook,
  staffMovesFrom,
  workOrderClockEffects,
} from './order-lifecycle';
import { orderStateChangedEvent, workOrderDispatchedPayload, workOrderStateChangedEvent } from './order-events';
import { OrderFanOut } from './order-fan-out';
import type { CaseNames } from '../cases/case-names';
import { OrderItem } from './order-item.entity';
import { toWorkOrderDetail } from './order-view';
import { Order } from './order.entity';
import { findOrder, itemsOfWorkOrders, lockOrder, updateOrder } from './orders.repository';
import { OrderError, OrderErrorCode, workOrderNotFound } from './orders.errors';
import { OrdersService } from './orders.service';
import { endpointsOfWorkOrders } from './region-dispatch.repository';
import { DispatchChannel, WorkOrder } from './work-order.entity';
import {
  findWorkOrder,
  lockWorkOrder,
  linkItemsToInstances,
  markPendingDispatched,
  ordersOfWorkOrders,
  pageOfWorkOrders,
  updateWorkOrder,
  workOrderPlace,
  workOrderRegionsOfOrder,
  workOrderStatesOfOrder,
} from './work-orders.repository';

/** Where the fulfilment processor sends a work order: its region's endpoint, or none (the console queue). */
export interface DispatchTarget {
  workOrderId: string;
  endpoint: { region: string; url: string; secret: string } | null;
}

/**
 * Regional work orders: what fulfilment staff see and move, and what the
 * fulfilment queue dispatches. Every move locks the order row first, then the
 * work order, and derives the order's state in the same transaction: two
 * regions finishing at the same instant are serialised on the order row, so
 * exactly one of them sees the last work order done and moves the order.
 */
@Injectable()
export class WorkOrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly fulfilment: CustomerFulfilmentService,
    private readonly products: ProductsService,
    private readonly regions: RegionsService,
    private readonly fanOut: OrderFanOut,
  ) {}

  async list(auth: AuthContext, q: WorkOrderQuery): Promise<Page<WorkOrderDetailDto>> {
    const { rows, total } = await pageOfWorkOrders(
      this.dataSource.manager,
      { scope: scopePatterns(auth), region: q.region, state: q.state, orderId: q.orderId },
      q,
    );
    return { items: await this.views(auth, rows), total, limit: q.limit, offset: q.offset };
  }

  /** Seen by whoever covers its region, and by whoever may see its order. */
  /** By id or work order number (WO-…). */
  get(auth: AuthContext, ref: string): Promise<WorkOrderDetailDto> {
    return this.cases.read(ref, ['work_order'], workOrderNotFound, (id) => this.byId(auth, id));
  }

  private async byId(auth: AuthContext, id: string): Promise<WorkOrderDetailDto> {
    const wo = await findWorkOrder(this.dataSource.manager, id);
    if (!wo) throw workOrderNotFound(id);
    if (!covers(auth, wo.region) && !(await this.maySeeOrderOf(auth, wo.orderId))) throw workOrderNotFound(id);
    const [view] = await this.views(auth, [wo]);
    return view;
  }

  async timeline(auth: AuthContext, id: string) {
    await this.get(auth, id);
    return this.cases.timeline('work_order', id);
  }

  /**
   * Fulfilment staff of the work order's region move it. Staff of another
   * region get 403 when they see the order (they fulfil another part of it),
   * else 404; other roles get 403 from the controller.
   */
  async transition(auth: AuthContext, id: string, dto: WorkOrderTransitionDto): Promise<WorkOrderDetailDto> {
    if (dto.lines?.length && dto.to !== 'completed') throw invalidFields({ field: 'lines', message: 'is taken only with to = completed' });
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const { order, wo } = await this.lockForMove(em, auth, id, dto.expectedVersion);
      if (!canMoveWorkOrder(wo.state, dto.to)) {
        const allowed = staffMovesFrom(wo.state);
        throw new OrderError(
          OrderErrorCode.WORK_ORDER_ILLEGAL_TRANSITION,
          `A work order in ${wo.state} cannot move to ${dto.to}; allowed: ${allowed.join(', ') || 'none'}`,
          { extensions: { state: wo.state, allowedTransitions: allowed } },
        );
      }
      if (WORK_ORDER_NEEDS_REASON.includes(dto.to) && !dto.reason)
        throw invalidFields({ field: 'reason', message: `is required to move to ${dto.to}` });
      const fulfilled = dto.to === 'completed' ? completedLines(await itemsOfWorkOrders(em, [id]), dto.lines ?? []) : [];
      const names = await this.namesOf(em, order, wo);
      const now = new Date();
      const from = wo.state;
      const final = !WORK_ORDER_OPEN_STATES.includes(dto.to);
      await updateWorkOrder(em, wo, {
        state: dto.to,
        ...(dto.reason ? { reason: dto.reason } : {}),
        ...(final ? { closedAt: now } : {}),
        updatedAt: now,
      });
      await this.sla.apply(em, post, 'work_order', id, workOrderClockEffects(dto.to), now);
      await this.cases.updateIndexAndRecord(
        em,
        'work_order',
        id,
        { state: dto.to, isOpen: !final, closedAt: final ? now : null },
        'state_changed',
        auth,
        {
          from,
          to: dto.to,
          note: dto.note,
          reason: dto.reason,
        },
      );
      await this.outbox.emit(
        em,
        post,
        'work_order.state_changed',
        workOrderStateChangedEvent(wo, order.caseNo, { from, to: dto.to, reason: dto.reason ?? null }, names.get(wo.id)!),
      );
      await this.audit.record(em, auth, {
        action: 'work_order.state_changed',
        entity: 'work_order',
        entityId: id,
        changes: { state: { from, to: dto.to }, reason: dto.reason, note: dto.note },
        regions: [wo.region],
        customerId: wo.customerId,
      });
      if (fulfilled.length) {
        // The customer's service inventory follows in this transaction: a refusal there (409) writes nothing at all.
        const instances = await this.fulfilment.applyFulfilment(em, auth, wo.customerId, { id, caseNo: wo.caseNo }, fulfilled);
        await linkItemsToInstances(em, instances);
      }
      await this.settleOrder(em, post, order, names.get(order.id)!, auth, now);
    });
    await post.run();
    return this.get(auth, id);
  }

  /**
   * failed → pending, with a reason: fulfilment staff of its region or a
   * director covering it. Its resolution clock resumes (the time it stood
   * failed is not counted, as for a reopened case); a partial or failed order
   * reopens; after commit the fulfilment queue dispatches it again. Only a
   * failed work order of an order not cancelled or rejected (409).
   */
  async retry(auth: AuthContext, id: string, dto: RetryWorkOrderDto): Promise<WorkOrderDetailDto> {
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const { order, wo } = await this.lockForMove(em, auth, id, dto.expectedVersion);
      if (wo.state !== 'failed' || ['cancelled', 'rejected'].includes(order.state)) {
        throw new OrderError(
          OrderErrorCode.WORK_ORDER_ILLEGAL_TRANSITION,
          wo.state !== 'failed'
            ? `Only a failed work order can be retried; this one is ${wo.state}`
            : `The order is ${order.state}; its work orders are no longer retried`,
          { extensions: { state: wo.state, allowedTransitions: staffMovesFrom(wo.state) } },
        );
      }
      const names = await this.namesOf(em, order, wo);
      const now = new Date();
      const retried = await updateWorkOrder(em, wo, {
        state: 'pending',
        reason: null,
        dispatchedVia: null,
        dispatchedAt: null,
        closedAt: null,
        updatedAt: now,
      });
      await this.sla.apply(em, post, 'work_order', id, ['resume_resolution'], now);
      await this.cases.updateIndexAndRecord(
        em,
        'work_order',
        id,
        { state: 'pending', isOpen: true, closedAt: null },
        'state_changed',
        auth,
        { from: 'failed', to: 'pending', reason: dto.reason, retried: true, failedBecause: wo.reason },
      );
      await this.outbox.emit(
        em,
        post,
        'work_order.state_changed',
        workOrderStateChangedEvent(wo, order.caseNo, { from: 'failed', to: 'pending', reason: dto.reason }, names.get(wo.id)!),
      );
      await this.audit.record(em, auth, {
        action: 'work_order.retried',
        entity: 'work_order',
        entityId: id,
        changes: { state: { from: 'failed', to: 'pending' }, reason: dto.reason, failedBecause: wo.reason },
        regions: [wo.region],
        customerId: wo.customerId,
      });
      await this.settleOrder(em, post, order, names.get(order.id)!, auth, now, true);
      post.add(() => this.fanOut.enqueue([retried]));
    });
    await post.run();
    return this.get(auth, id);
  }

  /**
   * Someone who sees the order sees its work orders, yet moves only those of
   * their own region. A work order about to move, locked: 404 when the caller sees neither it
   * nor its order, 403 for staff of another region; then the order row and
   * the work order, always in that order (as cancel does, so no deadlock), and
   * the caller's expected version.
   */
  private async lockForMove(em: EntityManager, auth: AuthContext, id: string, expectedVersion: number | undefined) {
    const place = await workOrderPlace(em, id);
    if (!place) throw workOrderNotFound(id);
    if (!covers(auth, place.region)) await this.refuseOutOfRegion(auth, id, place.orderId, em);
    const order = (await lockOrder(em, place.orderId))!;
    const wo = (await lockWorkOrder(em, id))!;
    if (expectedVersion !== undefined && expectedVersion !== wo.version) throw staleVersion('work order', expectedVersion, wo.version);
    return { order, wo };
  }

  /** The names of a work order and its order for the events of one move (one query). */
  private namesOf(em: EntityManager, order: Order, wo: WorkOrder) {
    return this.cases.names(em, [
      { kind: 'order', id: order.id },
      { kind: 'work_order', id: wo.id },
    ]);
  }

  private async refuseOutOfRegion(auth: AuthContext, id: string, orderId: string, em: EntityManager): Promise<never> {
    if (!(await this.maySeeOrderOf(auth, orderId, em))) throw workOrderNotFound(id);
    throw new OrderError(OrderErrorCode.WORK_ORDER_OUT_OF_REGION, 'Only fulfilment staff of the work order’s region may move it');
  }

  /**
   * Whether the caller may see the work order's order. Only the rule says no:
   * a failure while finding out (the database) propagates, it never passes
   * for "not visible" (a 404 would hide the fault).
   */
  private async maySeeOrderOf(auth: AuthContext, orderId: string, em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const order = await findOrder(em, orderId);
    if (!order) return false;
    return this.orders.maySee(auth, order, await workOrderRegionsOfOrder(em, orderId), em);
  }

  /**
   * Derives the order's state from its work orders (the caller holds the
   * order's row lock) and applies it: clocks, index, timeline, one event.
   */
  private async settleOrder(
    em: EntityManager,
    post: PostCommit,
    order: Order,
    orderNames: CaseNames,
    actor: AuthContext | null,
    now: Date,
    reopen = false,
  ): Promise<void> {
    const rows = await workOrderStatesOfOrder(em, order.id);
    const states = rows.map((r) => r.state);
    const next = deriveOrderState(order.state, states, reopen);
    if (everyRegionTook(states)) await this.sla.apply(em, post, 'order', order.id, ['stop_response'], now);
    if (next === order.state) return;
    const final = ORDER_FINAL_STATES.includes(next);
    // A retried work order reopens a partial or failed order: open again, its resolution clock resumed.
    const reopened = !final && ORDER_FINAL_STATES.includes(order.state);
    await updateOrder(em, order, { state: next, ...(final ? { closedAt: now } : reopened ? { closedAt: null } : {}), updatedAt: now });
    if (final) await this.sla.apply(em, post, 'order', order.id, ['stop_all'], now);
    if (reopened) await this.sla.apply(em, post, 'order', order.id, ['resume_resolution'], now);
    await this.cases.updateIndex(em, 'order', order.id, { state: next, isOpen: !final, closedAt: final ? now : null });
    await this.cases.record(em, 'order', order.id, 'state_changed', actor, {
      from: order.state,
      to: next,
      workOrders: states,
      ...(reopened ? { reopened: true } : {}),
    });
    await this.outbox.emit(em, post, 'order.state_changed', orderStateChangedEvent(order, next, orderNames));
    await this.audit.record(em, actor, {
      action: 'order.state_changed',
      entity: 'order',
      entityId: order.id,
      changes: { state: { from: order.state, to: next } },
      regions: [order.acceptedRegion, ...rows.map((r) => r.region)],
      customerId: order.customerId,
    });
  }

  /**
   * Where pending work orders go, in one query for all of them: each one's
   * region's dispatch endpoint, the most specific one covering it (a
   * district's over its city's over its province's), or none. Null for one
   * that is gone or no longer pending (cancelled, or dispatched already).
   */
  async dispatchTargets(ids: string[]): Promise<(DispatchTarget | null)[]> {
    const found = await endpointsOfWorkOrders(this.dataSource.manager, ids);
    const byId = new Map(found.map((r) => [r.workOrderId, r]));
    return ids.map((id) => {
      const row = byId.get(id);
      if (!row || row.state !== 'pending') return null;
      return { workOrderId: id, endpoint: row.endpoint };
    });
  }

  /** What a region's endpoint receives: the work order with its items and clocks, and what it needs of the order. */
  async dispatchPayload(id: string): Promise<Record<string, unknown>> {
    const wo = (await findWorkOrder(this.dataSource.manager, id))!;
    const order = (await findOrder(this.dataSource.manager, wo.orderId))!;
    // No reader: the payload leaves the system, so the contact is masked.
    const [view] = await this.views(null, [wo]);
    return workOrderDispatchedPayload(view, order);
  }

  /**
   * pending → dispatched for many work orders at once, by the fulfilment
   * queue (no actor), in one transaction of set-based statements. Rows are
   * locked in (order, region) order, the order cancel locks an order's work
   * orders in, so a batch and a cancel never deadlock; a work order
   * cancelled or dispatched meanwhile no longer matches (FOR UPDATE re-checks
   * `state = 'pending'`). Returns, for each, whether it was dispatched now.
   */
  async markDispatched(dispatches: { id: string; via: DispatchChannel; note?: string }[]): Promise<boolean[]> {
    const post = new PostCommit();
    const done = await this.dataSource.transaction(async (em) => {
      const rows = await markPendingDispatched(em, dispatches);
      if (!rows.length) return new Set<string>();
      const note = new Map(dispatches.map((d) => [d.id, d.note]));
      // One read of the names for the whole batch.
      const names = await this.cases.names(
        em,
        rows.map((w) => ({ kind: 'work_order', id: w.id })),
      );
      await this.cases.recordStateChanges(
        em,
        'work_order',
        null,
        rows.map((w) => ({
          id: w.id,
          state: 'dispatched',
          data: { from: 'pending', to: 'dispatched', via: w.dispatchedVia, note: note.get(w.id) },
        })),
      );
      await this.outbox.emitMany(
        em,
        post,
        rows.map((w) => ({
          type: 'work_order.state_changed' as const,
          data: workOrderStateChangedEvent(
            w,
            w.orderCaseNo,
            { from: 'pending', to: 'dispatched', dispatchedVia: w.dispatchedVia },
            names.get(w.id)!,
          ),
        })),
      );
      await this.audit.recordMany(
        em,
        null,
        rows.map((w) => ({
          action: 'work_order.dispatched',
          entity: 'work_order',
          entityId: w.id,
          changes: { via: w.dispatchedVia, note: note.get(w.id) },
          regions: [w.region],
          customerId: w.customerId,
        })),
      );
      return new Set(rows.map((w) => w.id));
    });
    await post.run();
    return dispatches.map((d) => done.has(d.id));
  }

  /**
   * The details of a page of work orders in a fixed number of queries: items,
   * clocks, orders, sites, contacts (masked for `auth` by the usual rule, a
   * read in full audited; always masked for null) and product names.
   */
  private async views(auth: AuthContext | null, rows: WorkOrder[]): Promise<WorkOrderDetailDto[]> {
    if (!rows.length) return [];
    const db = this.dataSource.manager;
    const ids = rows.map((w) => w.id);
    const [items, clocks, orders, products] = await Promise.all([
      itemsOfWorkOrders(db, ids),
      this.sla.forCases('work_order', ids),
      ordersOfWorkOrders(db, [...new Set(rows.map((w) => w.orderId))]),
      this.products.list(true),
    ]);
    const customerIds = rows.map((w) => w.customerId);
    const [sites, contacts, managers] = await Promise.all([
      this.fulfilment.sites(items.map((i) => i.siteId)),
      this.fulfilment.contacts(auth, customerIds),
      // Staff reads carry the account manager's name; the dispatch payload (auth null) keeps its pinned shape.
      auth ? this.fulfilment.accountManagers(customerIds) : null,
    ]);
    const productNames = new Map(products.map((p) => [p.code, p.nameZh]));
    return rows.map((w) => {
      const view = toWorkOrderDetail(w, items, clocks.get(w.id) ?? [], {
        order: orders.get(w.orderId)!,
        regionName: this.regions.find(w.region)?.fullName ?? w.region,
        sites,
        contact: contacts.get(w.customerId) ?? null,
        productNames,
      });
      return managers ? { ...view, accountManager: managers.get(w.customerId) ?? null } : view;
    });
  }
}

/**
 * The work order's lines as the customer's inventory takes them, with the
 * access numbers the field team gave (`lines`): each must name an add line
 * of this work order, once (400 naming `lines[i].lineNo`).
 */
function completedLines(items: OrderItem[], lines: { lineNo: number; accessNo: string }[]): FulfilledLine[] {
  const errors: FieldError[] = [];
  const given = new Map<number, { accessNo: string; index: number }>();
  lines.forEach((l, index) => {
    const item = items.find((i) => i.lineNo === l.lineNo);
    if (!item) errors.push({ field: `lines[${index}].lineNo`, message: 'is not a line of this work order' });
    else if (item.action !== 'add')
      errors.push({ field: `lines[${index}].lineNo`, message: `is a ${item.action} line; only add lines take an access number` });
    else if (given.has(l.lineNo)) errors.push({ field: `lines[${index}].lineNo`, message: 'is given twice' });
    else given.set(l.lineNo, { accessNo: l.accessNo, index });
  });
  if (errors.length) throw invalidFields(...errors);
  return items.map((i) => ({
    itemId: i.id,
    lineNo: i.lineNo,
    action: i.action,
    productCode: i.productCode,
    siteId: i.siteId,
    serviceInstanceId: i.serviceInstanceId,
    attributes: i.attributes,
    accessNo: given.get(i.lineNo)?.accessNo,
    field: given.has(i.lineNo) ? `lines[${given.get(i.lineNo)!.index}]` : `items[${i.lineNo}]`,
  }));
}
