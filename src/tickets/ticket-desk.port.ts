import type { EntityManager } from 'typeorm';
import type { CaseKind } from '../cases/case-kind';
import { nextCaseNo } from '../cases/case-number';
import { type Priority, type Severity, SEVERITY_BASE, casePriority } from '../cases/priority';
import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { invalidFields } from '../common/errors/common-errors';
import type { DomainError } from '../common/errors/domain-error';
import { assertCanRead } from '../customers/customer-access.port';
import type { CaseContext, CustomersService } from '../customers/customers.service';
import type { TicketKind, TicketRow } from './ticket-kind.port';
import type { TicketWork, TicketWorkflow } from './ticket-workflow.service';

/**
 * The service of one ticket kind (FaultsService, SupportService): what every
 * kind does the same way through TicketWorkflow, and who may see a ticket.
 * A kind declares its TicketKind and its not-found error and keeps only what
 * is its own: the rest of its intake, its reads and lists.
 */
export abstract class TicketDesk<T extends TicketRow> {
  abstract readonly kind: TicketKind<T>;

  protected constructor(
    protected readonly tickets: TicketWorkflow,
    protected readonly customers: CustomersService,
    /** The kind's own 404 (`No fault …`), raised for a ticket the caller may not see. */
    private readonly notFound: (id: string) => DomainError,
  ) {}

  /**
   * The start of every intake: the customer (readable by the caller, not
   * archived), the site checked to be the customer's, the ticket's region
   * (`locate`), which the caller must be able to see; then its priority and
   * case number.
   */
  protected async admit(
    em: EntityManager,
    auth: AuthContext,
    customerId: string,
    refs: { siteId?: string; serviceInstanceId?: string },
    ticket: { severity: Severity; caseKind: CaseKind; locate(ctx: CaseContext): string },
  ): Promise<{ ctx: CaseContext; region: string; now: Date; priority: Priority; caseNo: string }> {
    const ctx = await this.customers.caseContext(em, customerId, refs);
    assertCanRead(auth, ctx);
    if (ctx.archived) throw this.kind.error('CUSTOMER_ARCHIVED', 'The customer is archived; restore it first');
    if (refs.siteId && !ctx.siteRegion) throw invalidFields({ field: 'siteId', message: 'is not a site of this customer' });
    const region = ticket.locate(ctx);
    // the caller must be able to see what they open
    if (!this.mayAccess(auth, region, ctx)) throw this.notFound(customerId);
    const now = new Date();
    const priority = casePriority(SEVERITY_BASE[ticket.severity], ctx.tier, ctx.greenChannel);
    return { ctx, region, now, priority, caseNo: await nextCaseNo(em, ticket.caseKind, now) };
  }

  timeline(auth: AuthContext, id: string) {
    return this.tickets.timeline(this.kind, auth, id);
  }

  /** Closes cases left in resolved longer than the configured time (the customer did not object). */
  autoClose(olderThanHours: number): Promise<number> {
    return this.tickets.autoClose(this.kind, olderThanHours);
  }

  waitingForEngineer() {
    return this.tickets.waitingForEngineer(this.kind);
  }

  /** Every change to a ticket (lock, access, version, audit, post-commit work); the dispatcher's entry. */
  change(auth: AuthContext | null, id: string, expectedVersion: number | undefined, work: TicketWork<T>): Promise<void> {
    return this.tickets.change(this.kind, auth, id, expectedVersion, work);
  }

  /**
   * A ticket is seen by the region it is in, by the customer's home region
   * (the desk that owns the customer) and by the customer's account manager;
   * to anyone else it does not exist. Returns the account manager (null for
   * a ticket without a customer, seen by its region only).
   */
  protected async assertCanSee(auth: AuthContext, row: Pick<T, 'id' | 'region' | 'customerId'>, em: EntityManager): Promise<string | null> {
    // A ticket with no customer yet (an unlinked fault) belongs to its region alone.
    if (!row.customerId) {
      if (!covers(auth, row.region)) throw this.notFound(row.id);
      return null;
    }
    const owner = await this.customers.ownership(em, row.customerId);
    if (!this.mayAccess(auth, row.region, owner)) throw this.notFound(row.id);
    return owner.accountManagerId;
  }

  protected mayAccess(auth: AuthContext, region: string, owner: { homeRegion: string; accountManagerId: string | null }): boolean {
    return covers(auth, region) || covers(auth, owner.homeRegion) || owner.accountManagerId === auth.staffId;
  }
}
