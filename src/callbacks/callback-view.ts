import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { maskMobile } from '../common/masking';
import type { ClockReading } from '../sla/sla-clocks.service';
import type { StaffRefDto } from '../staff/dto/staff-ref.dto';
import type { CallbackAttempt, Callback } from './callback.entity';
import { MAX_ATTEMPTS } from './callback-rules';
import type { CallbackDto } from './dto/callback.dto';

/**
 * Who sees the contact's mobile in full on a single read (docs/ARCHITECTURE.md,
 * "Security"): admins, directors and the customer's account manager, as for
 * every contact; and the agent working the call-back: an agent of its region
 * while nobody has attempted it yet (they open it to call), then the agent who
 * made the last attempt. Lists are always masked.
 */
export function maySeeCallbackContact(
  auth: AuthContext,
  c: Pick<Callback, 'region' | 'assigneeId'>,
  accountManagerId: string | null,
): boolean {
  if (hasRole(auth, 'admin', 'director') || accountManagerId === auth.staffId) return true;
  return hasRole(auth, 'agent') && covers(auth, c.region) && (c.assigneeId === null || c.assigneeId === auth.staffId);
}

export function toCallbackDto(
  c: Callback,
  clock: ClockReading | undefined,
  unmasked: boolean,
  extra: { assignee: StaffRefDto | null; complaintNo: string | null; attempts?: CallbackAttempt[] },
): CallbackDto {
  return {
    id: c.id,
    callbackNo: c.callbackNo,
    state: c.state,
    caseKind: c.caseKind,
    caseId: c.caseId,
    caseNumber: c.caseNumber,
    customerId: c.customerId,
    region: c.region,
    priority: `P${c.priority}`,
    greenChannel: c.greenChannel,
    selectedBy: c.selectedBy,
    contactName: c.contactName,
    contactMobile: c.contactMobile === null || unmasked ? c.contactMobile : maskMobile(c.contactMobile),
    contactMasked: c.contactMobile !== null && !unmasked,
    attempts: c.attempts,
    maxAttempts: MAX_ATTEMPTS,
    score: c.score,
    comment: c.comment,
    reasons: c.reasons,
    dueAt: c.dueAt,
    finishedAt: c.finishedAt,
    clock: {
      dueAt: clock?.dueAt ?? c.dueAt,
      state: clock?.state ?? 'stopped',
      calendar: clock?.calendarKey ?? '24x7',
      breached: (clock?.breachedAt ?? null) !== null,
      workingSecondsRemaining: Math.trunc((clock?.workingMsRemaining ?? 0) / 1000),
    },
    assignee: extra.assignee,
    complaintId: c.complaintId,
    complaintNo: extra.complaintNo,
    ...(extra.attempts
      ? {
          attemptLog: extra.attempts.map((a) => ({
            n: a.n,
            reached: a.reached,
            score: a.score,
            comment: a.comment,
            reasons: a.reasons,
            byId: a.byId,
            byName: a.byName,
            at: a.at,
          })),
        }
      : {}),
    version: c.version,
    createdAt: c.createdAt,
  };
}
