import { invalidFields } from '../../common/errors/common-errors';
import type { FieldError } from '../../common/errors/domain-error';
import { parseInstant } from '../../common/time/instant';
import type { OrderDto } from '../../orders/dto/order.dto';
import type { OrderState, WorkOrderState } from '../../orders/order-states.port';
import type { OrderAction } from '../../products/products.port';

/**
 * TMF622 Product Ordering ↔ Focus One orders: every table of the facade and
 * the two pure translations (a TMF `ProductOrder` into the body `POST
 * /api/v1/orders` takes; an order back into a `ProductOrder`). The tables are
 * documented in README.md ("How an OSS connects") and docs/ARCHITECTURE.md
 * ("TMF622 Product Ordering"); change them together.
 */

export const TMF_ITEM_ACTIONS = ['add', 'modify', 'delete', 'noChange'] as const;
export type TmfItemAction = (typeof TMF_ITEM_ACTIONS)[number];

/** TMF action → order action. `noChange` has none: an order item always changes a service (see readProductOrder). */
export const ACTION_TO_ORDER: Readonly<Record<Exclude<TmfItemAction, 'noChange'>, OrderAction>> = {
  add: 'add',
  modify: 'modify',
  delete: 'terminate',
};
export const ACTION_TO_TMF: Readonly<Record<OrderAction, TmfItemAction>> = { add: 'add', modify: 'modify', terminate: 'delete' };

/**
 * A work order's state → the state of each of its items. A work order not
 * yet taken by its region (pending, or dispatched to it) is `acknowledged`:
 * TMF's `pending` means waiting on the customer, which Focus One does not model.
 */
export const ITEM_STATE: Readonly<Record<WorkOrderState, string>> = {
  pending: 'acknowledged',
  dispatched: 'acknowledged',
  in_progress: 'inProgress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The order's state (already the roll-up of its work orders, src/orders/order-lifecycle.ts) → the TMF order state. */
export const ORDER_STATE: Readonly<Record<OrderState, string>> = {
  acknowledged: 'acknowledged',
  in_progress: 'inProgress',
  completed: 'completed',
  partial: 'partial',
  failed: 'failed',
  cancelled: 'cancelled',
  rejected: 'rejected',
};
/** A `?state=` filter → the order state; a TMF state Focus One never reaches (held, pending…) matches nothing. */
export const orderStateOf = (tmf: string): OrderState | undefined =>
  (Object.entries(ORDER_STATE) as [OrderState, string][]).find(([, v]) => v === tmf)?.[0];

/**
 * TMF `priority` ("0" highest … "4" lowest) → `urgent`: 0 and 1 ask for an
 * urgent order (P2 instead of P3). Served back is the priority Focus One
 * works the order at (its tier and green channel move it, README "Orders"),
 * `P1`…`P4` as "1"…"4".
 */
export const URGENT_PRIORITIES: readonly string[] = ['0', '1'];
export const TMF_PRIORITIES: readonly string[] = ['0', '1', '2', '3', '4'];
export const priorityOf = (p: string) => p.replace(/^P/, '');

/** A relatedParty is the customer when its role says so or it refers to an organisation or customer. */
export const CUSTOMER_ROLES: readonly string[] = ['customer'];
export const CUSTOMER_REFERRED_TYPES: readonly string[] = ['Organization', 'Customer'];
/** A channel entry names the accepting region when it refers to a Region (its id is the region code). */
export const REGION_REFERRED_TYPE = 'Region';

/** What the facade keeps beside the order (table tmf_product_orders). */
export interface ProductOrderExtras {
  externalId: string | null;
  description: string | null;
  category: string | null;
  /** The productOrderItem ids, by line: line n carries itemIds[n - 1]. */
  itemIds: string[];
  notes: TmfNote[];
}

export interface TmfNote {
  id: string;
  author?: string;
  date: string;
  text: string;
}

/** A note as sent: the facade numbers it, and dates it now when it has no date. */
export type NoteIn = Omit<TmfNote, 'id' | 'date'> & { date?: string };

/** What readProductOrder makes of a ProductOrder_Create. */
export interface ProductOrderIntake {
  /** The body of POST /api/v1/orders (checked by its DTO next). */
  order: {
    customerId: string;
    acceptedRegion: string | undefined;
    urgent: boolean;
    requestedCompletionAt?: string;
    note?: string;
    items: {
      action: OrderAction;
      productCode: string;
      siteId: string;
      serviceInstanceId?: string;
      quantity: number;
      attributes: Record<string, unknown>;
    }[];
  };
  extras: Omit<ProductOrderExtras, 'notes'> & { notes: NoteIn[] };
  /** productCharacteristic index by name, per item: to name a Focus One attribute error at the characteristic that carried it. */
  characteristicIndex: Map<string, number>[];
}

/**
 * Attributes of a ProductOrder_Create the server owns: sent, they are
 * ignored (TMF630), not refused.
 */
const READ_ONLY = new Set([
  'id',
  'href',
  'state',
  'orderDate',
  'completionDate',
  'expectedCompletionDate',
  'cancellationDate',
  'cancellationReason',
]);
/** Attributes Focus One takes. */
const TAKEN = new Set([
  'productOrderItem',
  'relatedParty',
  'requestedCompletionDate',
  'priority',
  'externalId',
  'description',
  'category',
  'note',
  'channel',
]);
/**
 * What TMF622 may send that Focus One does not model and that would change
 * what is delivered or paid (a later start, prices, an agreement, a quote, a
 * billing account, a payment): refused with 400 naming it, never dropped.
 */
const NOT_MODELLED: Readonly<Record<string, string>> = {
  requestedStartDate: 'work starts when the order is taken; a later start is not supported',
  orderTotalPrice: 'prices come from the contract and billing, not from the order',
  agreement: 'the contract is not linked through the order',
  billingAccount: 'the customer’s billing account is its own (GET /api/v1/customers/{id}/account)',
  payment: 'payments are taken by billing, not with the order',
  quote: 'quotes are not supported',
  productOfferingQualification: 'qualifications are not supported',
  notificationContact: 'the customer’s contacts are on the customer record',
};
const ITEM_READ_ONLY = new Set(['state']);
const ITEM_TAKEN = new Set(['id', 'action', 'quantity', 'productOffering', 'product']);
const ITEM_NOT_MODELLED: Readonly<Record<string, string>> = {
  productOrderItem: 'bundles of items are not supported: send each item at the top level',
  productOrderItemRelationship: 'relationships between items are not supported',
  itemPrice: 'prices come from the contract and billing, not from the order',
  itemTotalPrice: 'prices come from the contract and billing, not from the order',
  itemTerm: 'terms come from the contract',
  appointment: 'the region’s team makes its appointments',
  billingAccount: 'the customer’s billing account is its own',
  payment: 'payments are taken by billing',
  qualification: 'qualifications are not supported',
  productOfferingQualificationItem: 'qualifications are not supported',
  quoteItem: 'quotes are not supported',
};
const PRODUCT_TAKEN = new Set(['id', 'href', 'name', 'place', 'productCharacteristic']);
const REF_TAKEN = new Set(['id', 'href', 'name', 'role']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** `@type`, `@baseType`, `@schemaLocation`, `@referredType`: TMF's polymorphism, never a meaning of its own here. */
const isMeta = (key: string) => key.startsWith('@');
const text = (v: unknown, max: number): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= max;

/**
 * A ProductOrder_Create → the order body and what the facade keeps beside
 * it, or 400 naming every bad field with its TMF path
 * (`productOrderItem[1].product.place`). `regionOfCaller` is asked only when
 * no channel names the accepting region.
 */
export function readProductOrder(body: unknown, regionOfCaller: () => string): ProductOrderIntake {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => errors.push({ field, message });
  if (!isObject(body)) throw invalidFields({ field: 'body', message: 'must be a ProductOrder object' });

  for (const key of Object.keys(body)) {
    if (isMeta(key) || READ_ONLY.has(key) || TAKEN.has(key)) continue;
    bad(key, NOT_MODELLED[key] ? `is not supported: ${NOT_MODELLED[key]}` : 'is not an attribute of ProductOrder that Focus One takes');
  }

  // relatedParty: exactly one customer
  let customerId = '';
  const parties = body.relatedParty;
  if (!Array.isArray(parties) || !parties.length) bad('relatedParty', 'must name the customer: [{ id, role: "customer" }]');
  else {
    const customers: string[] = [];
    parties.forEach((p, i) => {
      if (!isObject(p) || !text(p.id, 64)) return bad(`relatedParty[${i}].id`, 'is required');
      const role = typeof p.role === 'string' ? p.role.toLowerCase() : undefined;
      if ((role && CUSTOMER_ROLES.includes(role)) || CUSTOMER_REFERRED_TYPES.includes(p['@referredType'] as string)) customers.push(p.id);
      else bad(`relatedParty[${i}]`, 'only the customer is taken (role "customer" or @referredType Organization/Customer)');
    });
    const distinct = [...new Set(customers)];
    if (distinct.length > 1) bad('relatedParty', 'must name one customer only');
    if (distinct.length === 1) customerId = distinct[0];
    else if (!distinct.length && parties.length) bad('relatedParty', 'must name the customer: [{ id, role: "customer" }]');
  }

  // channel: the accepting region, else the caller's
  let acceptedRegion: string | undefined;
  if (body.channel !== undefined) {
    if (!Array.isArray(body.channel)) bad('channel', 'must be an array');
    else
      body.channel.forEach((c, i) => {
        if (!isObject(c) || c['@referredType'] !== REGION_REFERRED_TYPE) return;
        if (!text(c.id, 6)) bad(`channel[${i}].id`, 'must be the accepting region’s code');
        else if (acceptedRegion !== undefined && acceptedRegion !== c.id) bad(`channel[${i}]`, 'names a second accepting region');
        else acceptedRegion = c.id;
      });
  }

  let urgent = false;
  if (body.priority !== undefined) {
    const p = typeof body.priority === 'number' ? String(body.priority) : body.priority;
    if (typeof p !== 'string' || !TMF_PRIORITIES.includes(p)) bad('priority', 'must be "0" (highest) to "4" (lowest)');
    else urgent = URGENT_PRIORITIES.includes(p);
  }
  let requestedCompletionAt: string | undefined;
  if (body.requestedCompletionDate !== undefined) {
    if (typeof body.requestedCompletionDate !== 'string') bad('requestedCompletionDate', 'must be an ISO 8601 time with an offset');
    else requestedCompletionAt = body.requestedCompletionDate;
  }
  const optionalText = (key: 'externalId' | 'description' | 'category', max: number): string | null => {
    const v = body[key];
    if (v === undefined || v === null) return null;
    if (!text(v, max)) {
      bad(key, `must be a non-empty text of at most ${max} characters`);
      return null;
    }
    return v;
  };
  const externalId = optionalText('externalId', 128);
  const description = optionalText('description', 2000);
  const category = optionalText('category', 128);

  const notes: NoteIn[] = [];
  if (body.note !== undefined) {
    if (!Array.isArray(body.note)) bad('note', 'must be an array of { author?, date?, text }');
    else
      body.note.forEach((n, i) => {
        if (!isObject(n)) return bad(`note[${i}]`, 'must be { author?, date?, text }');
        if (!text(n.text, 2000)) bad(`note[${i}].text`, 'is required: a non-empty text of at most 2000 characters');
        if (n.author !== undefined && !text(n.author, 128)) bad(`note[${i}].author`, 'must be a non-empty text of at most 128 characters');
        if (n.date !== undefined && (typeof n.date !== 'string' || !parseInstant(n.date)))
          bad(`note[${i}].date`, 'must be an ISO 8601 time with its offset (Z or +08:00)');
        if (typeof n.text === 'string')
          notes.push({
            text: n.text,
            ...(typeof n.author === 'string' ? { author: n.author } : {}),
            ...(typeof n.date === 'string' ? { date: n.date } : {}),
          });
      });
  }

  const items: ProductOrderIntake['order']['items'] = [];
  const itemIds: string[] = [];
  const characteristicIndex: Map<string, number>[] = [];
  const rawItems = body.productOrderItem;
  if (!Array.isArray(rawItems) || !rawItems.length) bad('productOrderItem', 'is required: at least one item');
  else
    rawItems.forEach((raw, i) => {
      const at = (field: string) => `productOrderItem[${i}]${field ? `.${field}` : ''}`;
      const byName = new Map<string, number>();
      characteristicIndex.push(byName);
      if (!isObject(raw)) return bad(at(''), 'must be a ProductOrderItem object');
      for (const key of Object.keys(raw)) {
        if (isMeta(key) || ITEM_READ_ONLY.has(key) || ITEM_TAKEN.has(key)) continue;
        bad(
          at(key),
          ITEM_NOT_MODELLED[key]
            ? `is not supported: ${ITEM_NOT_MODELLED[key]}`
            : 'is not an attribute of ProductOrderItem that Focus One takes',
        );
      }
      if (!text(raw.id, 64)) bad(at('id'), 'is required: the item’s id within the order');
      else if (itemIds.includes(raw.id)) bad(at('id'), `repeats item id ${raw.id}`);
      const id = typeof raw.id === 'string' ? raw.id : String(i + 1);
      itemIds.push(id);

      let action: OrderAction | undefined;
      if (raw.action === 'noChange')
        bad(
          at('action'),
          'noChange is not taken: a Focus One order item adds, modifies or terminates (delete) a service; leave unchanged products out',
        );
      else if (typeof raw.action !== 'string' || !(raw.action in ACTION_TO_ORDER)) bad(at('action'), 'must be add, modify or delete');
      else action = ACTION_TO_ORDER[raw.action as keyof typeof ACTION_TO_ORDER];

      let quantity = 1;
      if (raw.quantity !== undefined) {
        if (typeof raw.quantity !== 'number' || !Number.isInteger(raw.quantity)) bad(at('quantity'), 'must be an integer');
        else quantity = raw.quantity;
      }

      let productCode = '';
      if (!isObject(raw.productOffering) || !text(raw.productOffering.id, 64))
        bad(at('productOffering.id'), 'is required: a product code of the catalogue (GET /api/v1/products)');
      else productCode = raw.productOffering.id;

      let siteId = '';
      let serviceInstanceId: string | undefined;
      const attributes: Record<string, unknown> = {};
      const product = raw.product;
      if (!isObject(product)) bad(at('product'), 'is required: { place: [{ id: site id }], productCharacteristic?, id? }');
      else {
        for (const key of Object.keys(product)) {
          if (isMeta(key) || PRODUCT_TAKEN.has(key)) continue;
          bad(at(`product.${key}`), 'is not an attribute of Product that Focus One takes');
        }
        if (product.id !== undefined) {
          if (!text(product.id, 64)) bad(at('product.id'), 'must be the service instance’s id');
          else serviceInstanceId = product.id;
        }
        const places = product.place;
        if (!Array.isArray(places) || places.length !== 1 || !isObject(places[0]) || !text(places[0].id, 64))
          bad(at('product.place'), 'must name exactly one site of the customer: [{ id }]');
        else {
          for (const key of Object.keys(places[0]))
            if (!isMeta(key) && !REF_TAKEN.has(key)) bad(at(`product.place[0].${key}`), 'is not taken');
          siteId = places[0].id;
        }
        const chars = product.productCharacteristic;
        if (chars !== undefined) {
          if (!Array.isArray(chars)) bad(at('product.productCharacteristic'), 'must be an array of { name, value }');
          else
            chars.forEach((c, k) => {
              const cat = at(`product.productCharacteristic[${k}]`);
              if (!isObject(c) || !text(c.name, 64)) return bad(`${cat}.name`, 'is required');
              if (!('value' in c) || c.value === null) return bad(`${cat}.value`, 'is required');
              if (byName.has(c.name)) return bad(`${cat}.name`, `repeats ${c.name}`);
              byName.set(c.name, k);
              attributes[c.name] = c.value;
            });
        }
      }
      if (action) items.push({ action, productCode, siteId, ...(serviceInstanceId ? { serviceInstanceId } : {}), quantity, attributes });
    });

  if (acceptedRegion === undefined && !errors.length) acceptedRegion = regionOfCaller();
  if (errors.length) throw invalidFields(...errors);
  return {
    order: {
      customerId,
      acceptedRegion,
      urgent,
      ...(requestedCompletionAt !== undefined ? { requestedCompletionAt } : {}),
      // The notes' text reaches the regions' teams with the order (the dispatch payload carries the order's note).
      ...(notes.length ? { note: notes.map((n) => n.text).join('\n') } : {}),
      items,
    },
    extras: { externalId, description, category, itemIds, notes },
    characteristicIndex,
  };
}

/**
 * A field of the order body (as POST /api/v1/orders names it in a 400) →
 * the TMF attribute it came from, so an OSS reads its own paths.
 */
export function tmfFieldOf(field: string, characteristicIndex: Map<string, number>[]): string {
  const item = /^items\[(\d+)\](?:\.(.*))?$/.exec(field);
  if (!item) {
    const top: Record<string, string> = {
      customerId: 'relatedParty',
      acceptedRegion: 'channel',
      requestedCompletionAt: 'requestedCompletionDate',
      note: 'note',
      items: 'productOrderItem',
      urgent: 'priority',
    };
    return top[field] ?? field;
  }
  const i = Number(item[1]);
  const at = `productOrderItem[${i}]`;
  const rest = item[2] ?? '';
  const attr = /^attributes\.(.+)$/.exec(rest);
  if (attr) {
    const k = characteristicIndex[i]?.get(attr[1]);
    return k === undefined ? `${at}.product.productCharacteristic` : `${at}.product.productCharacteristic[${k}].value`;
  }
  const fields: Record<string, string> = {
    '': '',
    action: '.action',
    productCode: '.productOffering.id',
    siteId: '.product.place[0].id',
    serviceInstanceId: '.product.id',
    quantity: '.quantity',
    attributes: '.product.productCharacteristic',
  };
  return `${at}${fields[rest] ?? `.${rest}`}`;
}

/** A 400's field error in TMF terms: the path, and the item named by its own id. */
export function tmfFieldError(e: FieldError, characteristicIndex: Map<string, number>[], itemIds: string[]): FieldError {
  const field = tmfFieldOf(e.field, characteristicIndex);
  const item = /^productOrderItem\[(\d+)\]/.exec(field);
  const id = item ? itemIds[Number(item[1])] : undefined;
  // A characteristic that is missing has no index to point at: the message names it.
  const attr = /^items\[\d+\]\.attributes\.(.+)$/.exec(e.field);
  const name = attr && field.endsWith('.productCharacteristic') ? ` (${attr[1]})` : '';
  return { field, message: `${id !== undefined ? `item ${id}: ` : ''}${e.message}${name}` };
}

/** Builds absolute hrefs; the facade's controller passes the kit's builder. */
export type HrefOf = (api: 'productOrder' | 'cancelProductOrder' | 'customer', id: string) => string;

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : undefined);
const FINAL_FOR_COMPLETION: readonly string[] = ['completed', 'partial', 'failed'];

/**
 * An order (as GET /api/v1/orders/{id} shows it) → a TMF ProductOrder.
 * Attributes without a value are left out, not null.
 */
export function toProductOrder(o: OrderDto, extras: ProductOrderExtras | null, href: HrefOf): Record<string, unknown> {
  const lines = o.workOrders
    .flatMap((w) => w.items.map((item) => ({ item, state: w.state as WorkOrderState })))
    .sort((a, b) => a.item.lineNo - b.item.lineNo);
  const defined = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined && v !== null));
  return defined({
    id: o.id,
    href: href('productOrder', o.id),
    '@type': 'ProductOrder',
    externalId: extras?.externalId,
    description: extras?.description,
    category: extras?.category,
    orderDate: iso(o.createdAt),
    state: ORDER_STATE[o.state as OrderState],
    priority: priorityOf(o.priority),
    requestedCompletionDate: iso(o.requestedCompletionAt),
    expectedCompletionDate: iso(o.committedCompletionAt),
    completionDate: FINAL_FOR_COMPLETION.includes(o.state) ? iso(o.closedAt) : undefined,
    cancellationDate: o.state === 'cancelled' ? iso(o.closedAt) : undefined,
    cancellationReason: o.cancelReason,
    relatedParty: [{ id: o.customerId, href: href('customer', o.customerId), role: 'customer', '@referredType': 'Organization' }],
    channel: [{ id: o.acceptedRegion, role: 'acceptingRegion', '@referredType': REGION_REFERRED_TYPE }],
    note: extras?.notes.length ? extras.notes : o.note ? [{ id: '1', text: o.note }] : undefined,
    productOrderItem: lines.map(({ item, state }) =>
      defined({
        id: extras?.itemIds[item.lineNo - 1] ?? String(item.lineNo),
        '@type': 'ProductOrderItem',
        action: ACTION_TO_TMF[item.action as OrderAction],
        quantity: item.quantity,
        state: ITEM_STATE[state],
        productOffering: { id: item.productCode, '@referredType': 'ProductOffering' },
        product: defined({
          '@type': 'Product',
          id: item.serviceInstanceId,
          place: [{ id: item.siteId, role: 'installationAddress', '@referredType': 'GeographicSite' }],
          productCharacteristic: Object.entries(item.attributes ?? {}).map(([name, value]) => ({ name, value })),
        }),
      }),
    ),
  });
}

/** A cancel request as kept (table tmf_cancel_product_orders). */
export interface CancelRequest {
  id: string;
  orderId: string;
  reason: string;
  requestedCancellationDate: Date | null;
  effectiveCancellationDate: Date;
  state: 'done';
  createdAt: Date;
}

/** A cancel request → a TMF CancelProductOrder (state `done`: the cancel is made in the request, or refused with an error). */
export function toCancelProductOrder(c: CancelRequest, href: HrefOf): Record<string, unknown> {
  return {
    id: c.id,
    href: href('cancelProductOrder', c.id),
    '@type': 'CancelProductOrder',
    state: c.state,
    cancellationReason: c.reason,
    ...(c.requestedCancellationDate ? { requestedCancellationDate: iso(c.requestedCancellationDate) } : {}),
    effectiveCancellationDate: iso(c.effectiveCancellationDate),
    productOrder: { id: c.orderId, href: href('productOrder', c.orderId), '@referredType': 'ProductOrder' },
  };
}
