import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuditService } from '../../common/audit/audit.service';
import type { AuthContext } from '../../common/auth/auth-context';
import { CommonError, CommonErrorCode, invalidFields } from '../../common/errors/common-errors';
import { DomainError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/errors/validation-errors';
import { parseInstant } from '../../common/time/instant';
import { CreateOrderDto, OrderQuery } from '../../orders/dto/order.dto';
import type { OrderDto } from '../../orders/dto/order.dto';
import type { OrderState } from '../../orders/order-states.port';
import { OrdersService } from '../../orders/orders.service';
import type { OrderNarrowing } from '../../orders/orders.service';
import { bodyObject, isObject, parseMergePatch, readString } from '../common/tmf-body';
import { isUuid, tmfInvalid, tmfNotFound } from '../common/tmf-error';
import { TmfPage } from '../common/tmf-http';
import { dateBounds, exactValues, millisecondComparisons, parseListQuery } from '../common/tmf-query';
import type { FilterOp, TmfListSpec } from '../common/tmf-query';
import { callerRegion } from '../common/tmf-region';
import { orderStateOf, readProductOrder, tmfFieldError, tmfFieldOf, toCancelProductOrder, toProductOrder } from './product-order-mapping';
import type { CancelRequest, HrefOf, ProductOrderExtras, TmfNote } from './product-order-mapping';
import {
  cancelsWhere,
  extrasOf,
  findCancel,
  insertCancel,
  insertExtras,
  lockExtras,
  ordersWithExternalId,
  updateExtras,
} from './product-order.repository';

/** The list filters of productOrder (TMF630: anything else is a 400 naming it). */
export const PRODUCT_ORDER_LIST: TmfListSpec = {
  filters: { id: 'exact', state: 'exact', externalId: 'exact', orderDate: 'date' },
  // OrderQuery's own ceiling.
  maxLimit: 200,
};
export const CANCEL_LIST: TmfListSpec = {
  filters: { id: 'exact', state: 'exact', 'productOrder.id': 'exact', effectiveCancellationDate: 'date' },
  maxLimit: 200,
};
/** What a PATCH of a productOrder may change: what the facade keeps beside the order (Focus One has no amend of an order). */
export const PATCHABLE = ['externalId', 'description', 'category', 'note'] as const;

/**
 * TMF622 Product Ordering over orders (docs/ARCHITECTURE.md, "TMF622 Product
 * Ordering"): every order is taken, read, listed and cancelled by
 * OrdersService, under its rules and the caller's reach; this service only
 * translates (product-order-mapping.ts) and keeps what Focus One's order does
 * not model (product-order.repository.ts).
 */
@Injectable()
export class ProductOrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly audit: AuditService,
  ) {}

  async create(auth: AuthContext, body: unknown, href: HrefOf): Promise<Record<string, unknown>> {
    const intake = readProductOrder(body, () => callerRegion(auth, undefined, 'channel'));
    const { characteristicIndex } = intake;
    const itemIds = intake.extras.itemIds;
    // A 400 is named again field by field (with the item's id); any other error with fields keeps its code, its fields renamed.
    const inTmfTerms = (err: DomainError) =>
      err instanceof CommonError && err.code === CommonErrorCode.VALIDATION_FAILED
        ? invalidFields(...(err.errors ?? []).map((e) => tmfFieldError(e, characteristicIndex, itemIds)))
        : err.withFieldsRenamed((f) => tmfFieldOf(f, characteristicIndex));
    const dto = plainToInstance(CreateOrderDto, intake.order);
    const invalid = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (invalid.length) {
      throw invalidFields(...flattenValidationErrors(invalid).errors.map((e) => tmfFieldError(e, characteristicIndex, itemIds)));
    }
    const now = new Date();
    const extras: ProductOrderExtras = {
      ...intake.extras,
      notes: intake.extras.notes.map((n, i) => ({
        id: String(i + 1),
        ...n,
        author: n.author ?? auth.username,
        date: tmfDate(n.date) ?? now.toISOString(),
      })),
    };
    let view: OrderDto;
    try {
      view = await this.orders.create(auth, dto, {
        alsoIn: (em, order) => insertExtras(em, order.id, extras, now),
        resource: (id) => new URL(href('productOrder', id)).pathname,
      });
    } catch (err) {
      // The order's own checks (site, product, service instance, attributes) name its body's fields: named again in TMF's.
      if (err instanceof DomainError && err.errors?.length) throw inTmfTerms(err);
      throw err;
    }
    return toProductOrder(view, extras, href);
  }

  async get(auth: AuthContext, id: string, href: HrefOf): Promise<Record<string, unknown>> {
    const view = await this.visible(auth, id);
    const extras = await extrasOf(this.dataSource.manager, [view.id]);
    return toProductOrder(view, extras.get(view.id) ?? null, href);
  }

  async list(auth: AuthContext, query: Record<string, unknown>, href: HrefOf): Promise<TmfPage> {
    const q = parseListQuery(query, PRODUCT_ORDER_LIST);
    const narrower: OrderNarrowing = {};
    // An id that is no UUID names no order: the filter matches nothing (never a 400).
    let ids = exactValues(q, 'id')?.filter(isUuid);
    const externalIds = exactValues(q, 'externalId');
    if (externalIds) {
      const withExternal = await ordersWithExternalId(this.dataSource.manager, externalIds);
      ids = ids ? ids.filter((i) => withExternal.includes(i)) : withExternal;
    }
    if (ids) narrower.ids = ids;
    const states = exactValues(q, 'state');
    if (states) narrower.states = states.map(orderStateOf).filter((s): s is OrderState => s !== undefined);
    const orderDate = halfOpen(dateBounds(q, 'orderDate'));
    if (orderDate) narrower.createdAt = orderDate;
    if (narrower.ids?.length === 0 || narrower.states?.length === 0) return new TmfPage([], 0, q.fields);
    const page = await this.orders.list(auth, Object.assign(new OrderQuery(), { limit: q.limit, offset: q.offset }), narrower);
    const extras = await extrasOf(
      this.dataSource.manager,
      page.items.map((o) => o.id),
    );
    return new TmfPage(
      page.items.map((o) => toProductOrder(o, extras.get(o.id) ?? null, href)),
      page.total,
      q.fields,
    );
  }

  /**
   * A merge patch of what the facade keeps (PATCHABLE): `note` appends the
   * notes not already on the order (TMF: notes are never rewritten), the
   * others replace (null clears). Audited; the order itself is not changed.
   */
  async patch(auth: AuthContext, id: string, body: unknown, href: HrefOf): Promise<Record<string, unknown>> {
    const patch = parseMergePatch(body, PATCHABLE);
    const view = await this.visible(auth, id);
    const lines = view.workOrders.reduce((n, w) => n + w.items.length, 0);
    const texts: Partial<Record<'externalId' | 'description' | 'category', string | null>> = {};
    for (const [key, max] of [
      ['externalId', 128],
      ['description', 2000],
      ['category', 128],
    ] as const) {
      if (!(key in patch)) continue;
      texts[key] = patch[key] === null ? null : readString(patch, key, { required: true, max })!;
    }
    const added = patch.note === undefined ? [] : readNotes(patch.note);
    const now = new Date();
    await this.dataSource.transaction(async (em) => {
      const before = await lockExtras(em, view.id, lines, now);
      const fresh = added.filter((n) => !before.notes.some((o) => o.text === n.text && (n.author === undefined || o.author === n.author)));
      const after: ProductOrderExtras = {
        ...before,
        ...texts,
        notes: [
          ...before.notes,
          ...fresh.map((n, i) => ({
            id: String(before.notes.length + i + 1),
            text: n.text,
            author: n.author ?? auth.username,
            date: tmfDate(n.date) ?? now.toISOString(),
          })),
        ],
      };
      await updateExtras(em, view.id, after, now);
      await this.audit.record(em, auth, {
        action: 'order.tmf_patched',
        entity: 'order',
        entityId: view.id,
        changes: { ...texts, ...(fresh.length ? { notesAdded: fresh.length } : {}) },
        regions: [view.acceptedRegion, ...view.workOrders.map((w) => w.region)],
        customerId: view.customerId,
      });
    });
    return this.get(auth, view.id, href);
  }

  /**
   * cancelProductOrder: the order's cancel (OrdersService.cancel, its rule:
   * the regions not completed are cancelled, 409 when nothing is left), with
   * the request kept in the same transaction. It is done when answered
   * (state `done`); a refused cancel leaves no request behind.
   */
  async cancel(auth: AuthContext, body: unknown, href: HrefOf): Promise<Record<string, unknown>> {
    const b = bodyObject(body);
    const ref = b.productOrder;
    if (!isObject(ref)) throw tmfInvalid('productOrder', 'is required: { id } of the order to cancel');
    const orderId = readString(ref, 'id', { required: true, at: 'productOrder.id' })!;
    const reason = readString(b, 'cancellationReason', { max: 500 });
    if (!reason) throw tmfInvalid('cancellationReason', 'is required: Focus One records why an order was cancelled');
    let requested: Date | null = null;
    if (b.requestedCancellationDate !== undefined && b.requestedCancellationDate !== null) {
      requested = typeof b.requestedCancellationDate === 'string' ? parseInstant(b.requestedCancellationDate) : null;
      if (!requested) throw tmfInvalid('requestedCancellationDate', 'must be an ISO 8601 time with its offset (Z or +08:00)');
    }
    const now = new Date();
    if (requested && requested.getTime() > now.getTime() + 60_000) {
      throw tmfInvalid('requestedCancellationDate', 'must not be in the future: Focus One cancels at once (leave it out)');
    }
    if (!isUuid(orderId)) throw tmfNotFound('productOrder', orderId);
    const request: CancelRequest = {
      id: randomUUID(),
      orderId,
      reason,
      requestedCancellationDate: requested,
      effectiveCancellationDate: now,
      state: 'done',
      createdAt: now,
    };
    await this.orders.cancel(auth, orderId, reason, async (em) => {
      await insertCancel(em, request, auth.staffId);
    });
    return toCancelProductOrder(request, href);
  }

  async getCancel(auth: AuthContext, id: string, href: HrefOf): Promise<Record<string, unknown>> {
    const found = isUuid(id) ? await findCancel(this.dataSource.manager, id) : null;
    if (!found || !(await this.orders.visibleIds(auth, [found.orderId])).has(found.orderId)) throw tmfNotFound('cancelProductOrder', id);
    return toCancelProductOrder(found, href);
  }

  /** Cancel requests of the orders the caller may see, newest first (the last MAX_CANCELS_LISTED matches are considered). */
  async listCancels(auth: AuthContext, query: Record<string, unknown>, href: HrefOf): Promise<TmfPage> {
    const q = parseListQuery(query, CANCEL_LIST);
    const rows = await cancelsWhere(this.dataSource.manager, {
      ids: exactValues(q, 'id')?.filter(isUuid),
      orderIds: exactValues(q, 'productOrder.id')?.filter(isUuid),
      states: exactValues(q, 'state'),
      effective: halfOpen(dateBounds(q, 'effectiveCancellationDate')),
    });
    const visible = await this.orders.visibleIds(auth, [...new Set(rows.map((r) => r.orderId))]);
    const mine = rows.filter((r) => visible.has(r.orderId));
    return new TmfPage(
      mine.slice(q.offset, q.offset + q.limit).map((c) => toCancelProductOrder(c, href)),
      mine.length,
      q.fields,
    );
  }

  /** The order if the caller may see it; any other id (of any format) is a 404. */
  private async visible(auth: AuthContext, id: string): Promise<OrderDto> {
    if (!isUuid(id)) throw tmfNotFound('productOrder', id);
    try {
      return await this.orders.get(auth, id);
    } catch (err) {
      if (err instanceof DomainError && err.kind === 'not_found') throw tmfNotFound('productOrder', id);
      throw err;
    }
  }
}

/**
 * Date filters as one `[gte, lt)` window at millisecond precision (the kit's
 * millisecondComparisons: dates are served to the millisecond, so
 * `orderDate=<t>` is the millisecond t names); undefined when unfiltered.
 */
function halfOpen(bounds: Partial<Record<FilterOp, Date>>): { gte?: Date; lt?: Date } | undefined {
  const pairs = millisecondComparisons(bounds);
  if (!pairs.length) return undefined;
  const out: { gte?: Date; lt?: Date } = {};
  for (const [op, at] of pairs) {
    if (op === '>=') out.gte = out.gte && out.gte > at ? out.gte : at;
    else out.lt = out.lt && out.lt < at ? out.lt : at;
  }
  return out;
}

/** A TMF date as sent (any offset) → UTC with Z; undefined when absent. */
const tmfDate = (d: string | undefined) => (d === undefined ? undefined : new Date(d).toISOString());

/** `note` of a PATCH: an array of { author?, date?, text }, 400 naming the bad entry. */
function readNotes(raw: unknown): (Omit<TmfNote, 'id' | 'date'> & { date?: string })[] {
  if (!Array.isArray(raw)) throw tmfInvalid('note', 'must be an array of { author?, date?, text }');
  return raw.map((n, i) => {
    if (!isObject(n)) throw tmfInvalid(`note[${i}]`, 'must be { author?, date?, text }');
    const text = readString(n, 'text', { required: true, max: 2000, at: `note[${i}].text` })!;
    const author = readString(n, 'author', { max: 128, at: `note[${i}].author` });
    const date = readString(n, 'date', { at: `note[${i}].date` });
    if (date !== undefined && !parseInstant(date)) throw tmfInvalid(`note[${i}].date`, 'must be an ISO 8601 time with its offset');
    return { text, ...(author ? { author } : {}), ...(date ? { date } : {}) };
  });
}
