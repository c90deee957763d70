import type { SlaClock } from './sla-clock.entity';

/** What every case's view says about its two clocks (each module documents it in its own DTO). */
export interface CaseSlaView {
  responseDueAt: Date;
  resolutionDueAt: Date;
  responseState: string;
  resolutionState: string;
  /** Working time left of each target when the case was read, in seconds; negative once overrun, frozen while the clock stands still. */
  responseWorkingSecondsRemaining: number;
  resolutionWorkingSecondsRemaining: number;
  /** The calendar each clock counts on (`24x7`, `workday`, …). */
  responseCalendar: string;
  resolutionCalendar: string;
  breached: boolean;
  policyKey: string;
  policyVersion: number;
}

/** What a case's view reads of each of its clocks: SlaClocksService's readings (forCase, forCases, the clocks an intake opened). */
export type ClockView = Pick<SlaClock, 'clock' | 'dueAt' | 'state' | 'breachedAt' | 'policyKey' | 'policyVersion' | 'calendarKey'> & {
  workingMsRemaining: number;
};

const seconds = (ms: number) => Math.trunc(ms / 1000);

/** A case's two clocks as its view shows them. */
export function slaView(clocks: readonly ClockView[]): CaseSlaView {
  const response = clocks.find((c) => c.clock === 'response')!;
  const resolution = clocks.find((c) => c.clock === 'resolution')!;
  return {
    responseDueAt: response.dueAt,
    resolutionDueAt: resolution.dueAt,
    responseState: response.state,
    resolutionState: resolution.state,
    responseWorkingSecondsRemaining: seconds(response.workingMsRemaining),
    resolutionWorkingSecondsRemaining: seconds(resolution.workingMsRemaining),
    responseCalendar: response.calendarKey,
    resolutionCalendar: resolution.calendarKey,
    breached: clocks.some((c) => c.breachedAt !== null),
    policyKey: resolution.policyKey,
    policyVersion: resolution.policyVersion,
  };
}
