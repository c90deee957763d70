/** Alert levels in the order they fall due (docs/ARCHITECTURE.md, "Alert levels"). */
export const ALERT_LEVELS = ['warning', 'breached', 'escalated_2', 'escalated_3'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const CLOCKS = ['response', 'resolution'] as const;
export type ClockName = (typeof CLOCKS)[number];

export interface ClockTiming {
  startedAt: Date;
  pausedMs: number;
  targetSeconds: number;
  warnAtPercent: number;
}

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

/** When a level falls due: start + time spent paused + the given share of the target. */
export function thresholdAt(clock: ClockTiming, level: AlertLevel): Date {
  const ms = clock.startedAt.getTime() + clock.pausedMs + (clock.targetSeconds * 1000 * levelPercent(level, clock.warnAtPercent)) / 100;
  return new Date(Math.round(ms));
}

export const dueAt = (clock: ClockTiming) => thresholdAt(clock, 'breached');

export function levelAfter(level: AlertLevel): AlertLevel | null {
  return ALERT_LEVELS[ALERT_LEVELS.indexOf(level) + 1] ?? null;
}

/** The levels that are due at `now`, starting from `next`, in order. */
export function dueLevels(clock: ClockTiming, next: AlertLevel | null, now: Date): AlertLevel[] {
  const out: AlertLevel[] = [];
  for (let l = next; l && thresholdAt(clock, l) <= now; l = levelAfter(l)) out.push(l);
  return out;
}

/** The event type an alert publishes. */
export const alertEventType = (level: AlertLevel) =>
  level === 'warning' ? 'sla.warning' : level === 'breached' ? 'sla.breached' : 'sla.escalated';
