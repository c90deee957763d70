import type { SlaClock } from '../sla/sla-clock.entity';
import type { SlaView } from './dto/ticket.dto';

/** A case's two clocks as its view shows them. */
export function slaView(clocks: SlaClock[]): SlaView {
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
