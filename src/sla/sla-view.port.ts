import type { SlaClock } from './sla-clock.entity';

/** What every case's view says about its two clocks (each module documents it in its own DTO). */
export interface CaseSlaView {
  responseDueAt: Date;
  resolutionDueAt: Date;
  responseState: string;
  resolutionState: string;
  breached: boolean;
  policyKey: string;
  policyVersion: number;
}

/** What a case's view reads of each of its clocks (SlaClocksService returns whole rows; any of them will do). */
export type ClockView = Pick<SlaClock, 'clock' | 'dueAt' | 'state' | 'breachedAt' | 'policyKey' | 'policyVersion'>;

/** A case's two clocks as its view shows them. */
export function slaView(clocks: readonly ClockView[]): CaseSlaView {
  const response = clocks.find((c) => c.clock === 'response')!;
  const resolution = clocks.find((c) => c.clock === 'resolution')!;
  return {
    responseDueAt: response.dueAt,
    resolutionDueAt: resolution.dueAt,
    responseState: response.state,
    resolutionState: resolution.state,
    breached: clocks.some((c) => c.breachedAt !== null),
    policyKey: resolution.policyKey,
    policyVersion: resolution.policyVersion,
  };
}
