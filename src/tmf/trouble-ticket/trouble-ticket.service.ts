import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CasesService } from '../../cases/cases.service';
import { allowedTicketMoves, canMoveTicket, TICKET_NEEDS_REASON } from '../../cases/ticket-lifecycle';
import type { TicketState } from '../../cases/ticket-lifecycle';
import type { AuthContext } from '../../common/auth/auth-context';
import type { Db } from '../../common/sql';
import { CommonError, CommonErrorCode, invalidFields } from '../../common/errors/common-errors';
import { PostCommit } from '../../common/post-commit';
import { AppConfig } from '../../config/app-config';
import type { FaultDto } from '../../faults/dto/fault.dto';
import { REPORT_CHANNELS } from '../../faults/dto/fault.dto';
import { FaultsService } from '../../faults/faults.service';
import { tmfBaseUrl, tmfRoot } from '../common/tmf-api';
import { bodyObject, parseMergePatch, withoutReadOnly } from '../common/tmf-body';
import { isUuid, tmfNotFound } from '../common/tmf-error';
import { TmfPage } from '../common/tmf-http';
import { dateBounds, exactValues, parseListQuery } from '../common/tmf-query';
import type { FilterOp, TmfListSpec } from '../common/tmf-query';
import { callerRegion } from '../common/tmf-region';
import { PATCHABLE, readCreate, readPatch } from './trouble-ticket-input';
import type { TicketCreate, TicketNote } from './trouble-ticket-input';
import { toTroubleTicket, TROUBLE_TICKET, TROUBLE_TICKET_API } from './trouble-ticket-view';
import type { TroubleTicket } from './trouble-ticket-view';
import {
  addRelatedEntities,
  attributesOf,
  DATE_FILTERS,
  EXACT_FILTERS,
  insertAttributes,
  linesOf,
  ticketPage,
} from './trouble-tickets.repository';

/** Attributes the server owns: ignored on create (TMF630), never an error. */
const READ_ONLY = [
  '@type',
  'status',
  'statusChange',
  'statusChangeDate',
  'statusChangeReason',
  'creationDate',
  'lastUpdate',
  'resolutionDate',
  'expectedResolutionDate',
  'priority',
];

const LIST_SPEC: TmfListSpec = {
  filters: {
    ...Object.fromEntries(EXACT_FILTERS.map((a) => [a, 'exact' as const])),
    ...Object.fromEntries(DATE_FILTERS.map((a) => [a, 'date' as const])),
  },
};

/**
 * TMF621 Trouble Ticket over faults and complaints (docs/ARCHITECTURE.md,
 * "TMF621 Trouble Ticket"): a mapping onto FaultsService, which keeps every
 * rule (intake, access, lifecycle, clocks, events, audit). What the facade
 * owns is what TMF leaves free (severity and ticketType as sent, externalId,
 * channel, related entities: `trouble_tickets`) and the renderings.
 */
@Injectable()
export class TroubleTicketService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly faults: FaultsService,
    private readonly cases: CasesService,
    private readonly config: AppConfig,
  ) {}

  /**
   * A ticket: a fault (or a complaint, by ticketType) of the customer its
   * `relatedParty` names, or an unlinked fault of the caller's region when it
   * names none. The fault, its attributes as sent and its notes commit together.
   */
  async create(auth: AuthContext, origin: string, body: unknown): Promise<TroubleTicket> {
    const input = readCreate(withoutReadOnly(bodyObject(body), READ_ONLY));
    const region = input.customerId ? undefined : callerRegion(auth, undefined, 'relatedParty');
    const post = new PostCommit();
    const id = await this.dataSource.transaction(async (em) => {
      const fault = await this.faults.open(
        em,
        post,
        auth,
        {
          customerId: input.customerId ?? null,
          category: input.category,
          severity: input.mappedSeverity,
          title: titleOf(input),
          description: input.description,
          reportedVia: reportedVia(input),
          serviceInstanceId: input.serviceInstanceId,
          siteId: input.siteId,
          reporterName: null,
          reporterMobile: null,
          region,
        },
        null,
        (faultId) => `${tmfRoot(TROUBLE_TICKET_API)}/${TROUBLE_TICKET}/${faultId}`,
      );
      await insertAttributes(em, {
        faultId: fault.id,
        name: input.name ?? null,
        severity: input.severity,
        ticketType: input.ticketType,
        externalId: input.externalId ?? null,
        channel: input.channel ?? null,
        relatedEntity: input.relatedEntity,
      });
      for (const n of input.notes) await this.cases.record(em, fault.category, fault.id, 'note', auth, noteData(n));
      return fault.id;
    });
    await post.run();
    return this.get(auth, origin, id);
  }

  async get(auth: AuthContext, origin: string, id: string): Promise<TroubleTicket> {
    if (!isUuid(id)) throw tmfNotFound('troubleTicket', id);
    const fault = await this.faults.get(auth, id);
    return (await this.render(origin, [fault]))[0];
  }

  async list(auth: AuthContext, origin: string, query: Record<string, unknown>): Promise<TmfPage<TroubleTicket>> {
    const q = parseListQuery(query, LIST_SPEC);
    const exact = EXACT_FILTERS.flatMap((attribute) => {
      const values = exactValues(q, attribute);
      return values ? [{ attribute, values }] : [];
    });
    const dates = DATE_FILTERS.flatMap((attribute) =>
      Object.entries(dateBounds(q, attribute)).map(([op, value]) => ({ attribute, op: op as FilterOp, value: value })),
    );
    const { ids, total } = await ticketPage(this.dataSource.manager, auth, { exact, dates, offset: q.offset, limit: q.limit });
    const faults = await this.faults.listed(auth, ids);
    return new TmfPage(await this.render(origin, faults), total, q.fields);
  }

  /**
   * A JSON merge patch: `status` is a lifecycle move (409 when the lifecycle
   * does not allow it; `statusChangeReason` is its reason), `note` appends the
   * notes the ticket does not have yet, `relatedParty` links an unlinked
   * ticket to its customer (with a `relatedEntity` Site or Service of that
   * customer). Everything is checked before the first write; each part then
   * commits in the ticket's own transaction, the link first.
   */
  async patch(auth: AuthContext, origin: string, id: string, body: unknown): Promise<TroubleTicket> {
    const patch = readPatch(parseMergePatch(body, PATCHABLE));
    if (!isUuid(id)) throw tmfNotFound(TROUBLE_TICKET, id);
    const fault = await this.faults.get(auth, id);
    const to = patch.to && patch.to !== fault.state ? patch.to : undefined;
    if (to) assertMove(fault.state as TicketState, to, patch.reason);
    const links = patch.links;
    const link = links?.customerId && links.customerId !== fault.customerId ? links : undefined;
    if (link && fault.customerId) {
      throw new CommonError(CommonErrorCode.CONFLICT, `The ticket is linked to customer ${fault.customerId} already`, {
        extensions: { customerId: fault.customerId },
      });
    }
    if (links && !links.customerId && !fault.customerId && (links.siteId || links.serviceInstanceId)) {
      throw invalidFields({ field: 'relatedParty', message: 'must name the customer the related site or service belongs to' });
    }
    let version: number | undefined = fault.version;
    if (link) {
      await this.faults.link(auth, id, {
        customerId: link.customerId!,
        siteId: link.siteId,
        serviceInstanceId: link.serviceInstanceId,
        expectedVersion: version,
      });
      if (link.relatedEntity.length)
        await addRelatedEntities(this.dataSource.manager, id, await this.sentOrDerived(fault), link.relatedEntity);
      version = undefined; // the next step re-reads under its own lock
    }
    if (to) await this.faults.transition(auth, id, { to, reason: patch.reason, expectedVersion: version });
    if (patch.notes.length) {
      const had = new Set(
        (await linesOf(this.dataSource.manager, [id]))
          .get(id)!
          .filter((l) => l.type === 'note')
          .map((l) => noteKey(l.data)),
      );
      for (const n of patch.notes) if (!had.has(noteKey(n))) await this.faults.addNote(auth, id, n.text, n.author);
    }
    return this.get(auth, origin, id);
  }

  /** The tickets as TMF renders them, with their attributes and timelines in two queries for the whole page. */
  async render(origin: string, faults: FaultDto[], db: Db = this.dataSource.manager): Promise<TroubleTicket[]> {
    const ids = faults.map((f) => f.id);
    const attrs = await attributesOf(db, ids);
    const lines = await linesOf(db, ids);
    const base = tmfBaseUrl(this.config, origin);
    return faults.map((f) => toTroubleTicket(base, f, attrs.get(f.id), lines.get(f.id) ?? []));
  }

  /** What a ticket opened by the console shows as severity and ticketType, kept when a PATCH first gives it a row. */
  private async sentOrDerived(fault: FaultDto): Promise<{ severity: string; ticketType: string }> {
    const [rendered] = await this.render('', [fault]);
    return { severity: rendered.severity as string, ticketType: rendered.ticketType as string };
  }
}

/** The lifecycle's answer before any write (the same table TicketWorkflow checks again under its lock). */
function assertMove(from: TicketState, to: TicketState, reason: string | undefined): void {
  if (!canMoveTicket(from, to)) {
    throw new CommonError(
      CommonErrorCode.CONFLICT,
      `A ticket in ${from} cannot move to ${to}; allowed: ${allowedTicketMoves(from).join(', ') || 'none'}`,
      {
        extensions: { state: from, allowedTransitions: allowedTicketMoves(from) },
      },
    );
  }
  if (TICKET_NEEDS_REASON.includes(to) && !reason)
    throw invalidFields({ field: 'statusChangeReason', message: `is required to move to ${to}` });
}

/** A ticket's title in the console: its name, else the start of its description. */
function titleOf(input: TicketCreate): string {
  const text = (input.name ?? input.description).replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** `channel.name` when it is one of Focus One's channels, else `oss` (a system sent it through TMF621). */
function reportedVia(input: TicketCreate): (typeof REPORT_CHANNELS)[number] {
  const name = typeof input.channel?.name === 'string' ? input.channel.name : '';
  return (REPORT_CHANNELS as readonly string[]).includes(name) ? (name as (typeof REPORT_CHANNELS)[number]) : 'oss';
}

const noteData = (n: TicketNote) => ({ text: n.text, ...(n.author ? { author: n.author } : {}), ...(n.date ? { date: n.date } : {}) });
const noteKey = (n: { text?: unknown; author?: unknown }) => JSON.stringify([n.text, n.author ?? null]);
