import type { Json } from '../common/tmf-body';
import { isObject, readArray, readString } from '../common/tmf-body';
import { tmfInvalid } from '../common/tmf-error';
import { parseInstant } from '../../common/time/instant';
import {
  categoryFromTmf,
  isCustomerParty,
  RELATED_ENTITY_TYPES,
  severityFromTmf,
  stateFromTmf,
  TMF_STATUSES,
} from './trouble-ticket-mapping';
import type { TicketCategory } from './trouble-ticket-mapping';
import type { Severity } from '../../cases/priority';
import type { TicketState } from '../../cases/ticket-lifecycle';

/*
 * Reading TMF621 request bodies (400 naming the field, as every DTO does).
 * Attributes the server owns (`id`, `href`, `status`, `statusChange`, the
 * dates it sets) are ignored on create (TMF630: not errors).
 */

/** A TMF621 note as sent: `text` required, `author` and `date` optional. */
export interface TicketNote {
  text: string;
  author?: string;
  /** ISO instant with `Z`, as given (with its offset) by the client. */
  date?: string;
}

/** A related entity kept as sent (its id, role, referred type, name). */
export type RelatedEntity = { id: string; role?: string; name?: string; '@referredType': string } & Json;

export interface TicketLinks {
  customerId?: string;
  siteId?: string;
  serviceInstanceId?: string;
  relatedEntity: RelatedEntity[];
}

export interface TicketCreate extends TicketLinks {
  name?: string;
  description: string;
  severity: string;
  ticketType: string;
  mappedSeverity: Severity;
  category: TicketCategory;
  externalId?: string;
  channel?: Json;
  notes: TicketNote[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readNotes(body: Json): TicketNote[] {
  const list = readArray(body, 'note', { max: 100 }) ?? [];
  return list.map((n, i) => {
    const at = `note[${i}]`;
    if (!isObject(n)) throw tmfInvalid(at, 'must be an object {author?, date?, text}');
    const text = readString(n, 'text', { required: true, max: 4000, at: `${at}.text` })!;
    const author = readString(n, 'author', { max: 200, at: `${at}.author` });
    const rawDate = readString(n, 'date', { at: `${at}.date` });
    let date: string | undefined;
    if (rawDate !== undefined) {
      const d = parseInstant(rawDate);
      if (!d) throw tmfInvalid(`${at}.date`, 'must be an ISO 8601 time with its offset (Z or +08:00)');
      date = d.toISOString();
    }
    return { text, ...(author ? { author } : {}), ...(date ? { date } : {}) };
  });
}

/** `relatedParty` (the customer) and `relatedEntity` (a site, a service instance; others kept as sent). */
export function readLinks(body: Json): TicketLinks {
  const out: TicketLinks = { relatedEntity: [] };
  const parties = readArray(body, 'relatedParty', { max: 50 }) ?? [];
  parties.forEach((p, i) => {
    if (!isObject(p)) throw tmfInvalid(`relatedParty[${i}]`, 'must be an object {id, role?, @referredType}');
    const id = readString(p, 'id', { required: true, at: `relatedParty[${i}].id` })!;
    if (!isCustomerParty(p)) return; // other parties (a reporter, an organisation unit) are not Focus One's to link
    if (out.customerId && out.customerId !== id) throw tmfInvalid(`relatedParty[${i}]`, 'names a second customer');
    if (!UUID.test(id)) throw tmfInvalid(`relatedParty[${i}].id`, 'is not a customer id');
    out.customerId = id;
  });
  const entities = readArray(body, 'relatedEntity', { max: 50 }) ?? [];
  entities.forEach((e, i) => {
    const at = `relatedEntity[${i}]`;
    if (!isObject(e)) throw tmfInvalid(at, 'must be an object {id, role, @referredType}');
    const id = readString(e, 'id', { required: true, at: `${at}.id` })!;
    const type = readString(e, '@referredType', { required: true, at: `${at}.@referredType` })!;
    const field = (RELATED_ENTITY_TYPES as Record<string, 'siteId' | 'serviceInstanceId'>)[type];
    if (field) {
      if (!UUID.test(id)) throw tmfInvalid(`${at}.id`, `is not a ${type === 'Site' ? 'site' : 'service instance'} id`);
      if (out[field] && out[field] !== id) throw tmfInvalid(at, `names a second ${type}`);
      out[field] = id;
    }
    out.relatedEntity.push({ ...e, id, '@referredType': type });
  });
  return out;
}

/** A create body: description, severity and ticketType required (kept as sent, and mapped). */
export function readCreate(body: Json): TicketCreate {
  const description = readString(body, 'description', { required: true, max: 4000 })!;
  const severity = readString(body, 'severity', { required: true, max: 100 })!;
  const ticketType = readString(body, 'ticketType', { required: true, max: 100 })!;
  const name = readString(body, 'name', { max: 200 });
  const externalId = readString(body, 'externalId', { max: 200 });
  const channel = body.channel;
  if (channel !== undefined && channel !== null && !isObject(channel)) throw tmfInvalid('channel', 'must be an object {id?, name?}');
  if (isObject(channel) && channel.name !== undefined && typeof channel.name !== 'string')
    throw tmfInvalid('channel.name', 'must be a string');
  return {
    description,
    severity,
    ticketType,
    mappedSeverity: severityFromTmf(severity),
    category: categoryFromTmf(ticketType),
    ...(name ? { name } : {}),
    ...(externalId ? { externalId } : {}),
    ...(isObject(channel) ? { channel } : {}),
    notes: readNotes(body),
    ...readLinks(body),
  };
}

/** What a PATCH may change: a status (a lifecycle move), notes to append, the customer (and site or service) of an unlinked ticket. */
export const PATCHABLE = ['status', 'statusChangeReason', 'note', 'relatedParty', 'relatedEntity'] as const;

export interface TicketPatch {
  to?: TicketState;
  reason?: string;
  notes: TicketNote[];
  links?: TicketLinks;
}

export function readPatch(patch: Json): TicketPatch {
  const out: TicketPatch = { notes: [] };
  if (patch.status !== undefined) {
    const status = readString(patch, 'status', { required: true });
    const to = stateFromTmf(status!);
    if (!to) throw tmfInvalid('status', `must be one of ${TMF_STATUSES.join(', ')}`);
    out.to = to;
  }
  const reason = readString(patch, 'statusChangeReason', { max: 500 });
  if (reason) out.reason = reason;
  if (patch.note !== undefined && patch.note !== null) out.notes = readNotes(patch);
  if (patch.relatedParty !== undefined || patch.relatedEntity !== undefined) out.links = readLinks(patch);
  return out;
}
