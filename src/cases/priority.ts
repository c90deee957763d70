export type Priority = 1 | 2 | 3 | 4;
export type Severity = 'critical' | 'major' | 'minor';

export const SEVERITY_BASE: Record<Severity, Priority> = { critical: 1, major: 2, minor: 3 };

/**
 * DESIGN "Cases and SLA": base from severity, +1 for the standard tier, −1
 * for the green channel, clamped to P1..P4.
 */
export function casePriority(base: Priority, tier: 'strategic' | 'key' | 'standard', greenChannel: boolean): Priority {
  const p = base + (tier === 'standard' ? 1 : 0) - (greenChannel ? 1 : 0);
  return Math.min(4, Math.max(1, p)) as Priority;
}

export const priorityLabel = (p: number) => `P${p}` as 'P1' | 'P2' | 'P3' | 'P4';
