export type Priority = 1 | 2 | 3 | 4;
export type Severity = 'critical' | 'major' | 'minor';

/**
 * The terms of a case without a customer (an unlinked fault): the tier that
 * adds nothing, no green channel, no 24×7 contract, so its clocks run on the
 * kind's own policy for its base priority.
 */
export const NO_CUSTOMER_TERMS = { tier: 'key', greenChannel: false, contract24x7: false } as const;

export const SEVERITY_BASE: Record<Severity, Priority> = { critical: 1, major: 2, minor: 3 };

/**
 * Base from severity, +1 for the standard tier, −1 for the green channel,
 * clamped to P1..P4 (each kind's base: docs/ARCHITECTURE.md, "Priority").
 */
export function casePriority(base: Priority, tier: 'strategic' | 'key' | 'standard', greenChannel: boolean): Priority {
  const p = base + (tier === 'standard' ? 1 : 0) - (greenChannel ? 1 : 0);
  return Math.min(4, Math.max(1, p)) as Priority;
}

export const priorityLabel = (p: number) => `P${p}` as 'P1' | 'P2' | 'P3' | 'P4';

/**
 * BullMQ priority of a case's job (1 = first): P1 green channel, P1, P2 green
 * channel, … P4. Every job on a prioritised queue gets one: a job without a
 * priority would jump them all.
 */
export const queuePriority = (priority: number, greenChannel: boolean) => (priority - 1) * 2 + (greenChannel ? 1 : 2);
