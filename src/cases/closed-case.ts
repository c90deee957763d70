import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import type { PostCommit } from '../common/post-commit';
import type { CaseKind } from './case-kind';

/**
 * What follows a ticket's closing in its own transaction (issue 14: the
 * satisfaction call-back, src/callbacks). A port of the case kernel, like
 * ORDER_INTAKE: the ticket workflow calls whatever provides it, the call-backs
 * module provides it, and neither imports the other's files.
 */
export const CLOSED_CASE_FOLLOW_UP = Symbol('CLOSED_CASE_FOLLOW_UP');

/** A fault, complaint or support request at the moment it is closed (by hand, or automatically after being left resolved). */
export interface ClosedCase {
  kind: CaseKind;
  id: string;
  caseNo: string;
  /** Null for a fault never linked to a customer: nobody to call back. */
  customerId: string | null;
  region: string;
  title: string;
  priority: number;
  /** The case's own green channel (the customer's, or a director's grant on this case). */
  greenChannel: boolean;
  closedAt: Date;
  /** Whom the case names to call back (a fault's reporter, a support request's contact), if anyone. */
  contact: { name: string; mobile: string } | null;
  siteId: string | null;
}

export interface ClosedCaseFollowUp {
  /** Runs in the closing's transaction (`em`), after the case's row and index are written; timers and wake-ups go on `post`. */
  closedIn(em: EntityManager, post: PostCommit, closed: ClosedCase, actor: AuthContext | null): Promise<void>;
}
