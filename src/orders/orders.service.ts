import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseIntake } from '../cases/case-intake';
import type { NewCase } from '../cases/case-intake';
import { CasesService } from '../cases/cases.service';
import { nextCaseSerials } from '../cases/case-number';
import { casePriority } from '../cases/priority';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { invalidFields } from '../common/errors/common-errors';
import { firstUnknownField, unknownField, validationFailed } from '../common/errors/validation-errors';
import { DomainError } from '../common/errors/domain-error';
import type { FieldError } from '../common/errors/domain-error';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { ReadBatch } from '../common/read-batch';
import { assertCanRead } from '../customers/customer-access.port';
import { CustomersService, OrderContext } from '../customers/customers.service';
import { OutboxService } from '../outbox/outbox.service';
import { checkItemAttributes } from '../products/product-rules.port';
import type { CatalogueProduct } from '../products/products.port';
import { ProductsService } from '../products/products.service';
import { RegionsService } from '../regions/regions.service';
import type { ClockView } from '../sla/sla-view.port';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { ARREARS_GATE } from './arrears-gate';
import type { ArrearsGate, ArrearsStanding } from './arrears-gate';
import { CreateOrderDto, OrderDto, OrderQuery } from './dto/order.dto';
import { maySeeOrder } from './order-access';
import { orderCreatedEvent, orderStateChangedEvent, workOrderStateChangedEvent } from './order-events';
import { OrderFanOut } from './order-fan-out';
import { WORK_ORDER_CANCELLABLE_STATES, cancellable, rejectable, stateAfterCancel, workOrderClockEffects } from './order-lifecycle';
import { splitOrder, workOrderRegions } from './order-split';
import { OrderGraph, toOrderDto } from './order-view';
import { Order } from './order.entity';
import { OrderError, OrderErrorCode, orderNotFound } from './orders.errors';
import { findOrder, insertOrderGraphIn, itemsOfOrders, lockOrder, pageOfOrders, updateOrder } from './orders.repository';
import type { OrderFilter } from './orders.repository';
import { WorkOrder } from './work-order.entity';
import { lockWorkOrdersOfOrder, updateWorkOrder, workOrdersOfOrders } from './work-orders.repository';
import { apiPath } from '../common/http/api-path';
import { intakeNames } from '../cases/case-names';

const DAY_SECONDS = 86_400;
/** A requested date further out than this is a typo, not a plan (and keeps clock targets in range). */
const MAX_REQUESTED_DAYS = 730;

/** A write a caller makes beside an order's, in its transaction (the order as it was read or written). */
export type AlongsideWrite = (em: EntityManager, order: Order) => Promise<void>;

/** What a list may be narrowed to beyond OrderQuery. */
export type OrderNarrowing = Pick<OrderFilter, 'ids' | 'states' | 'createdAt'>;

/** One checked order line: where it goes and what it is. */
interface Line {
  region: string;
  product: CatalogueProduct;
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly products: ProductsService,
    private readonly regions: RegionsService,
    private readonly cases: CasesService,
    private readonly intake: CaseIntake,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly fanOut: OrderFanOut,
    @Inject(ARREARS_GATE) private readonly arrears: ArrearsGate,
  ) {}

  /**
   * `facade` is a facade taking the order on its own route (TMF622):
   * `alsoIn` writes what it keeps beside the order in the order's
   * transaction (both or neither), `resource` is the order's URL on that
   * route (what an Idempotency-Key's retry reads back).
   */
  async create(
    auth: AuthContext,
    dto: CreateOrderDto,
    facade?: { alsoIn: AlongsideWrite; resource: (id: string) => string },
  ): Promise<OrderDto> {
    const post = new PostCommit();
    // The order writes everything in one statement (see open): no transaction
    // unless a facade writes beside it (both or neither).
    const graph = facade
      ? await this.dataSource.transaction(async (em) => {
          const opened = await this.open(em, post, auth, dto, null, facade.resource);
          await facade.alsoIn(em, opened.order);
          return opened;
        })
      : await this.open(this.dataSource.manager, post, auth, dto, null);
    await post.run();
    return toOrderDto(graph);
  }

  /**
   * The ORDER_INTAKE port (src/cases/order-intake.ts): an inquiry converted
   * into an order, in the inquiry's transaction. `body` is what POST /orders
   * takes, checked here as the pipe would check it, with every field named
   * under `order.`.
   */
  async openFromInquiry(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    input: { customerId: string; inquiryId: string; body: Record<string, unknown> },
  ): Promise<{ id: string; caseNo: string }> {
    const unknown = firstUnknownField(CreateOrderDto, input.body);
    if (unknown) throw unknownField({ ...unknown, field: `order.${unknown.field}` });
    const dto = plainToInstance(CreateOrderDto, { ...input.body, customerId: input.customerId });
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length) throw validationFailed(errors, 'order');
    try {
      const { order } = await this.open(em, post, auth, dto, input.inquiryId);
      return { id: order.id, caseNo: order.caseNo };
    } catch (err) {
      // The order's own field checks (sites, products, attributes) name fields of the order body.
      if (err instanceof DomainError && err.errors?.length) throw err.nestedUnder('order');
      throw err;
    }
  }

  /**
   * One call at the service point: the order, one work order per region,
   * their clocks, the index, timeline, event and audit rows, through the case
   * kernel's intake as one statement (CaseIntake.openAfterClocks), after one
   * statement reading the customer's context and the arrears standing
   * together (a ReadBatch); after commit the clocks' timers go in one round trip and the
   * work orders onto the fulfilment queue in one more.
   *
   * `em` is a transaction's manager (an inquiry converted, a facade) or the
   * DataSource's (POST /orders): the statement is atomic on its own, and the
   * reads took no locks inside a transaction either (READ COMMITTED), so
   * what the order is checked against is the same either way.
   */
  private async open(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    dto: CreateOrderDto,
    inquiryId: string | null,
    resourceOf: (id: string) => string = (id) => apiPath('orders', id),
  ): Promise<OrderGraph> {
    if (dto.arrearsOverride && !hasRole(auth, 'director')) {
      throw new OrderError(OrderErrorCode.ORDER_ARREARS_OVERRIDE_NEEDS_DIRECTOR, 'Only a director may take an order despite arrears');
    }
    this.regions.assertKnown('acceptedRegion', dto.acceptedRegion);
    if (!covers(auth, dto.acceptedRegion)) throw invalidFields({ field: 'acceptedRegion', message: 'must be a region within your scope' });
    const now = new Date();
    const requested = this.requestedDate(dto.requestedCompletionAt, now);
    const catalogue = await this.products.activeByCode(em);
    const siteIds = [...new Set(dto.items.map((i) => i.siteId))];
    const instanceIds = [...new Set(dto.items.flatMap((i) => (i.serviceInstanceId ? [i.serviceInstanceId] : [])))];

    const [ctx, standing] = await this.contextAndStanding(em, dto.customerId, siteIds, instanceIds);
    assertCanRead(auth, ctx);
    if (ctx.archived) throw new OrderError(OrderErrorCode.ORDER_CUSTOMER_ARCHIVED, 'The customer is archived; restore it first');
    const lines = this.checkItems(dto, ctx, catalogue);
    if (standing.blocked && !dto.arrearsOverride) {
      throw new OrderError(
        OrderErrorCode.ORDER_CUSTOMER_IN_ARREARS,
        `The customer has bills more than 90 days overdue${standing.detail ? ` (${standing.detail})` : ''}; a director may override`,
        // How much and since when, so the agent can tell the customer without asking billing (README, "Billing").
        { extensions: { overdueFen: standing.overdueFen ?? null, oldestOverdueDate: standing.oldestOverdueDate ?? null } },
      );
    }

    const priority = casePriority(dto.urgent ? 2 : 3, ctx.tier, ctx.greenChannel);
    const regions = workOrderRegions(lines.map((l) => l.region));
    // Case numbers come from the process's blocks: usually no round trip at all.
    const [ord] = await nextCaseSerials(em, 'order', 1);
    const wos = await nextCaseSerials(em, 'work_order', regions.length);
    const { order, workOrders, items } = splitOrder({
      dto,
      itemRegions: lines.map((l) => l.region),
      priority,
      greenChannel: ctx.greenChannel,
      orderNo: ord,
      workOrderNos: wos,
      requested,
      createdBy: auth.staffId,
      arrearsOverriddenBy: standing.blocked ? auth.staffId : null,
      inquiryId,
      now,
    });

    // Every clock at once; the resolution target is the commitment: never less than the
    // longest lead time in working days, nor than the date asked for (ClockSpec.resolutionFloor).
    const resolutionFloor = { workingDays: Math.max(0, ...lines.map((l) => l.product.leadTimeDays)), until: requested };
    const policyKey = `order:P${priority}`;
    const clockSpecs = [order, ...workOrders].map((c) => ({
      kind: c === order ? 'order' : 'work_order',
      caseId: c.id,
      policyKey,
      around24x7: ctx.greenChannel || ctx.contract24x7,
      resolutionFloor,
    }));
    // The order's committed completion and each work order's due time are their
    // resolution clocks' due times: the clocks are laid out first, in memory
    // (CaseIntake.openAfterClocks), then written with the graph, index, timeline,
    // event, audit and outcome in one statement.
    const clocks = await this.intake.openAfterClocks(em, post, auth, clockSpecs, now, (opened) => {
      const resolutionDue = (id: string) => opened.get(id)!.find((c) => c.clock === 'resolution')!.dueAt;
      order.committedCompletionAt = resolutionDue(order.id);
      for (const w of workOrders) w.dueAt = resolutionDue(w.id);
      const products = [...new Set(items.map((i) => i.productCode))].join(', ');
      const title = `${products} · ${regions.length} region${regions.length > 1 ? 's' : ''}`;
      // The names come with the customer read above and the regions in memory: no round trip more.
      const names = intakeNames(ctx, title, this.regions.find(order.acceptedRegion)?.fullName ?? order.acceptedRegion);
      return {
        rows: (batch) => insertOrderGraphIn(batch, order, workOrders, items),
        cases: [
          this.newCase('order', order, order.acceptedRegion, title, {
            state: order.state,
            priority: `P${priority}`,
            workOrders: workOrders.length,
          }),
          ...workOrders.map((w) =>
            this.newCase('work_order', w, w.region, `${order.caseNo} · ${this.regions.find(w.region)?.fullName ?? w.region}`, {
              state: w.state,
              orderId: order.id,
              region: w.region,
            }),
          ),
        ],
        event: { type: 'order.created', data: orderCreatedEvent(order, workOrders, names) },
        audit: {
          action: 'order.created',
          entity: 'order',
          entityId: order.id,
          changes: { ...dto, caseNo: order.caseNo, priority, committedCompletionAt: order.committedCompletionAt },
          regions: [order.acceptedRegion, ...regions, ctx.homeRegion],
        },
        // An inquiry converted into this order records its own request's outcome.
        resource: inquiryId ? undefined : resourceOf(order.id),
        afterCommit: () => this.fanOut.enqueue(workOrders),
      };
    });
    return { order, workOrders, items, clocks };
  }

  /** By id or case number (ORD-…). */
  get(auth: AuthContext, ref: string): Promise<OrderDto> {
    return this.cases.read(ref, ['order'], orderNotFound, (id) => this.byId(auth, id));
  }

  private async byId(auth: AuthContext, id: string): Promise<OrderDto> {
    const graph = await this.visibleGraph(auth, id);
    const managers = await this.customers.accountManagerRefs([graph.order.customerId]);
    return { ...toOrderDto(graph), accountManager: managers.get(graph.order.customerId) ?? null };
  }

  /** The order with its work orders, lines and clocks, if the caller may see it (else 404). */
  private async visibleGraph(auth: AuthContext, id: string) {
    const order = await findOrder(this.dataSource.manager, id);
    if (!order) throw orderNotFound(id);
    const [graph] = await this.graphs([order]);
    await this.assertCanSee(
      auth,
      order,
      graph.workOrders.map((w) => w.region),
    );
    return graph;
  }

  /** `narrower`: what a facade filters on beyond the query (ids, several states, the creation time's bounds). */
  async list(auth: AuthContext, q: OrderQuery, narrower: OrderNarrowing = {}): Promise<Page<OrderDto>> {
    const { rows, total } = await pageOfOrders(
      this.dataSource.manager,
      {
        scope: scopePatterns(auth),
        me: auth.staffId,
        customerId: q.customerId,
        state: q.state,
        region: q.region,
        overdue: q.overdue,
        ...narrower,
      },
      q,
    );
    const graphs = await this.graphs(rows);
    return { items: graphs.map(toOrderDto), total, limit: q.limit, offset: q.offset };
  }

  /**
   * Cancels the regions that have not completed: every open or failed work
   * order. With nothing completed the order ends cancelled; with a completed
   * region it ends partial, its cancelled regions shown (cancelledRegions).
   * 409 once nothing is left to cancel (completed, or closed by staff).
   */
  cancel(auth: AuthContext, id: string, reason: string, alsoIn?: AlongsideWrite): Promise<OrderDto> {
    return this.close(auth, id, 'cancelled', reason, alsoIn);
  }

  /** The operator refuses the order: only while acknowledged (no region has taken its part); cancels its work orders. */
  reject(auth: AuthContext, id: string, reason: string): Promise<OrderDto> {
    return this.close(auth, id, 'rejected', reason);
  }

  private async close(
    auth: AuthContext,
    id: string,
    to: 'cancelled' | 'rejected',
    reason: string,
    alsoIn?: AlongsideWrite,
  ): Promise<OrderDto> {
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const order = await lockOrder(em, id);
      if (!order) throw orderNotFound(id);
      // Locked in region order, as the fulfilment queue's batches lock them (no deadlock between the two).
      const workOrders = await lockWorkOrdersOfOrder(em, id);
      await this.assertCanSee(
        auth,
        order,
        workOrders.map((w) => w.region),
        em,
      );
      const states = workOrders.map((w) => w.state);
      if (to === 'cancelled' && !cancellable(order.state, states)) {
        throw new OrderError(
          OrderErrorCode.ORDER_NOT_CANCELLABLE,
          ['completed', 'cancelled', 'rejected'].includes(order.state)
            ? `An order in ${order.state} cannot be cancelled`
            : 'Every work order of this order has completed or is cancelled; nothing is left to cancel',
          { extensions: { state: order.state, workOrders: workOrders.map((w) => ({ id: w.id, region: w.region, state: w.state })) } },
        );
      }
      if (to === 'rejected' && !rejectable(order.state)) {
        throw new OrderError(
          OrderErrorCode.ORDER_NOT_REJECTABLE,
          `An order in ${order.state} cannot be rejected; once a region has taken its part, cancel it`,
          {
            extensions: { state: order.state },
          },
        );
      }
      // The names every event of this change carries: one read for the order and all its work orders.
      const names = await this.cases.names(em, [{ kind: 'order', id }, ...workOrders.map((w) => ({ kind: 'work_order', id: w.id }))]);
      const now = new Date();
      const closing = workOrders.filter((x) => WORK_ORDER_CANCELLABLE_STATES.includes(x.state));
      for (const w of closing) {
        await updateWorkOrder(em, w, { state: 'cancelled', reason, closedAt: now, updatedAt: now });
        await this.sla.apply(em, post, 'work_order', w.id, workOrderClockEffects('cancelled'), now);
        await this.cases.updateIndexAndRecord(
          em,
          'work_order',
          w.id,
          { state: 'cancelled', isOpen: false, closedAt: now },
          'state_changed',
          auth,
          {
            from: w.state,
            to: 'cancelled',
            reason,
          },
        );
        await this.outbox.emit(
          em,
          post,
          'work_order.state_changed',
          workOrderStateChangedEvent(w, order.caseNo, { from: w.state, to: 'cancelled', reason }, names.get(w.id)!),
        );
      }
      // The derivation of order-lifecycle.ts, under the order's row lock: partial once a region completed.
      const next =
        to === 'rejected'
          ? to
          : stateAfterCancel(order.state, [
              ...workOrders.filter((w) => !closing.includes(w)).map((w) => w.state),
              ...closing.map(() => 'cancelled' as const),
            ]);
      const cancelledRegions = closing.map((w) => w.region).sort();
      const changed = next !== order.state;
      await updateOrder(em, order, { state: next, cancelReason: reason, ...(changed ? { closedAt: now } : {}), updatedAt: now });
      await this.sla.apply(em, post, 'order', id, ['stop_all'], now);
      if (changed) {
        await this.cases.updateIndexAndRecord(em, 'order', id, { state: next, isOpen: false, closedAt: now }, 'state_changed', auth, {
          from: order.state,
          to: next,
          reason,
          ...(next === 'partial' ? { cancelledRegions } : {}),
        });
        await this.outbox.emit(em, post, 'order.state_changed', orderStateChangedEvent(order, next, names.get(id)!, reason));
      } else {
        // Already partial (a region failed): its failed regions are given up, the state stays.
        await this.cases.record(em, 'order', id, 'regions_cancelled', auth, { reason, cancelledRegions });
      }
      await this.audit.record(em, auth, {
        action: `order.${to}`,
        entity: 'order',
        entityId: id,
        changes: { state: { from: order.state, to: next }, reason, cancelledRegions },
        regions: [order.acceptedRegion, ...workOrders.map((w) => w.region)],
        customerId: order.customerId,
      });
      await alsoIn?.(em, order);
    });
    await post.run();
    return this.get(auth, id);
  }

  /**
   * The order as it is, read for an event about it (no caller: whoever
   * receives the event was filtered by the relay); null when it does not exist.
   */
  async viewForEvent(em: EntityManager, id: string): Promise<OrderDto | null> {
    const order = await findOrder(em, id);
    if (!order) return null;
    const [graph] = await this.graphs([order]);
    return toOrderDto(graph);
  }

  /** Which of these orders the caller may see (the list's rule, in one statement). */
  async visibleIds(auth: AuthContext, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const { rows } = await pageOfOrders(
      this.dataSource.manager,
      { scope: scopePatterns(auth), me: auth.staffId, ids },
      { limit: ids.length, offset: 0 },
    );
    return new Set(rows.map((o) => o.id));
  }

  async timeline(auth: AuthContext, id: string) {
    await this.visibleGraph(auth, id); // the access check; the account manager's name is not needed here
    return this.cases.timeline('order', id);
  }

  // ---- internals ----

  /**
   * The customer's context and the arrears standing in one statement (a
   * ReadBatch: each module's own SQL, one round trip), through `em` so a
   * transaction reads on its own connection. The checks that follow keep
   * their order (access, archived, items, then arrears).
   */
  private async contextAndStanding(
    em: EntityManager,
    customerId: string,
    siteIds: string[],
    instanceIds: string[],
  ): Promise<[OrderContext, ArrearsStanding]> {
    const batch = new ReadBatch();
    const context = this.customers.orderContextIn(batch, customerId, siteIds, instanceIds);
    const standing = this.arrears.standingIn(batch, customerId);
    await batch.run(em);
    return [context.value, standing.value];
  }

  /**
   * Every check a DTO cannot make, all reported at once with the field named
   * (`items[2].siteId`): the product, the action, the site, the service
   * instance and the attributes.
   */
  private checkItems(dto: CreateOrderDto, ctx: OrderContext, catalogue: Map<string, CatalogueProduct>): Line[] {
    const errors: FieldError[] = [];
    const lines: Line[] = [];
    dto.items.forEach((item, index) => {
      const at = (field: string) => `items[${index}].${field}`;
      const product = catalogue.get(item.productCode);
      const region = ctx.sites.get(item.siteId);
      if (!product) errors.push({ field: at('productCode'), message: 'is not an active product of the catalogue (GET /products)' });
      if (!region) errors.push({ field: at('siteId'), message: 'is not a site of this customer' });
      if (item.action === 'add') {
        if (item.serviceInstanceId) errors.push({ field: at('serviceInstanceId'), message: 'must be absent to add a new service' });
      } else {
        const instance = item.serviceInstanceId ? ctx.instances.get(item.serviceInstanceId) : undefined;
        if (!item.serviceInstanceId) errors.push({ field: at('serviceInstanceId'), message: `is required to ${item.action} a service` });
        else if (!instance || instance.state === 'terminated')
          errors.push({ field: at('serviceInstanceId'), message: 'is not a live service instance of this customer' });
        else if (instance.productCode !== item.productCode)
          errors.push({ field: at('serviceInstanceId'), message: `is a ${instance.productCode}, not a ${item.productCode}` });
        else if (instance.siteId !== item.siteId) errors.push({ field: at('serviceInstanceId'), message: 'is not at the given site' });
      }
      if (product) {
        for (const v of checkItemAttributes(product, item.action, item.attributes ?? {}))
          errors.push({ field: at(v.field), message: v.message });
      }
      if (product && region) lines.push({ region, product });
    });
    if (errors.length) throw invalidFields(...errors);
    return lines;
  }

  private requestedDate(raw: string | undefined, now: Date): Date | null {
    if (raw === undefined) return null;
    const at = new Date(raw);
    if (Number.isNaN(at.getTime())) throw invalidFields({ field: 'requestedCompletionAt', message: 'must be a valid ISO-8601 time' });
    if (at <= now) throw invalidFields({ field: 'requestedCompletionAt', message: 'must be in the future' });
    if (at.getTime() - now.getTime() > MAX_REQUESTED_DAYS * DAY_SECONDS * 1000) {
      throw invalidFields({ field: 'requestedCompletionAt', message: `must be within ${MAX_REQUESTED_DAYS} days` });
    }
    return at;
  }

  private newCase(
    kind: 'order' | 'work_order',
    c: Order | WorkOrder,
    region: string,
    title: string,
    created: Record<string, unknown>,
  ): NewCase {
    return {
      kind,
      id: c.id,
      caseNo: c.caseNo,
      customerId: c.customerId,
      region,
      title,
      state: c.state,
      priority: c.priority,
      greenChannel: c.greenChannel,
      openedAt: c.createdAt,
      created,
    };
  }

  async assertCanSee(
    auth: AuthContext,
    order: Order,
    workOrderRegions: string[],
    em: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (!(await this.maySee(auth, order, workOrderRegions, em))) throw orderNotFound(order.id);
  }

  /** maySeeOrder with the customer's owner read in `em`; a failure to read it is thrown, never a "no". */
  async maySee(auth: AuthContext, order: Order, workOrderRegions: string[], em: EntityManager = this.dataSource.manager): Promise<boolean> {
    const owner = await this.customers.ownership(em, order.customerId);
    return maySeeOrder(auth, order, owner, workOrderRegions);
  }

  /** Work orders, items and clocks of many orders, in four queries whatever their number. */
  async graphs(orders: Order[]): Promise<OrderGraph[]> {
    if (!orders.length) return [];
    const ids = orders.map((o) => o.id);
    const [workOrders, items] = await Promise.all([
      workOrdersOfOrders(this.dataSource.manager, ids),
      itemsOfOrders(this.dataSource.manager, ids),
    ]);
    const [orderClocks, woClocks] = await Promise.all([
      this.sla.forCases('order', ids),
      this.sla.forCases(
        'work_order',
        workOrders.map((w) => w.id),
      ),
    ]);
    const clocks = new Map<string, ClockView[]>([...orderClocks, ...woClocks]);
    return orders.map((order) => ({
      order,
      workOrders: workOrders.filter((w) => w.orderId === order.id),
      items: items.filter((i) => i.orderId === order.id),
      clocks,
    }));
  }
}
