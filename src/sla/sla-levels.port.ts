/** Alert levels in the order they fall due (docs/ARCHITECTURE.md, "Alert levels"). */
export const ALERT_LEVELS = ['warning', 'breached', 'escalated_2', 'escalated_3'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const CLOCKS = ['response', 'resolution'] as const;
export type ClockName = (typeof CLOCKS)[number];

export function levelPercent(level: AlertLevel, warnAtPercent: number): number {
  switch (level) {
    case 'warning':
      return warnAtPercent;
    case 'breached':
      return 100;
    case 'escalated_2':
      return 150;
    case 'escalated_3':
      return 200;
  }
}

/**
 * A running clock's level instants as stored on it (laid out in working time
 * when the clock started, resumed or was re-targeted: clock-layout.ts), so
 * that raising alerts needs no calendar.
 */
export interface StoredLevelTimes {
  warnAt: Date | null;
  dueAt: Date;
  escalate2At: Date | null;
  escalate3At: Date | null;
}

export function levelAt(t: StoredLevelTimes, level: AlertLevel): Date | null {
  switch (level) {
    case 'warning':
      return t.warnAt;
    case 'breached':
      return t.dueAt;
    case 'escalated_2':
      return t.escalate2At;
    case 'escalated_3':
      return t.escalate3At;
  }
}

export function levelAfter(level: AlertLevel): AlertLevel | null {
  return ALERT_LEVELS[ALERT_LEVELS.indexOf(level) + 1] ?? null;
}

/** The levels that are due at `now`, starting from `next`, in order. */
export function dueLevels(t: StoredLevelTimes, next: AlertLevel | null, now: Date): AlertLevel[] {
  const out: AlertLevel[] = [];
  for (let l = next; l; l = levelAfter(l)) {
    const at = levelAt(t, l);
    if (!at || at > now) break;
    out.push(l);
  }
  return out;
}

/** The event type an alert publishes. */
export const alertEventType = (level: AlertLevel) =>
  level === 'warning' ? 'sla.warning' : level === 'breached' ? 'sla.breached' : 'sla.escalated';
