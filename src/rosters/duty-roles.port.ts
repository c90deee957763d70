import type { Role } from '../common/auth/auth-context';
import { NATIONWIDE, scopePrefix } from '../common/auth/region-scope';

/*
 * The duty roles of the roster (docs/ARCHITECTURE.md, "Duty roster") and who
 * may hold each. A duty role is what someone does on a shift; a staff role is
 * what they may do in the system. The roster names only people whose staff
 * roles let them do the duty:
 * - engineer: staff holding `engineer` (they take dispatched faults and support requests);
 * - agent: `agent` (the hotline);
 * - duty_manager (值班长): `director` or `agent`, the two roles that may reassign a
 *   case (POST /faults/{id}/assign), which is what a duty manager does with a breach;
 * - director: `director`.
 */

export const DUTY_ROLES = ['engineer', 'agent', 'duty_manager', 'director'] as const;
export type DutyRole = (typeof DUTY_ROLES)[number];

export const DUTY_ROLE_HOLDERS: Readonly<Record<DutyRole, readonly Role[]>> = {
  engineer: ['engineer'],
  agent: ['agent'],
  duty_manager: ['director', 'agent'],
  director: ['director'],
};

/** Whether a staff member with these roles may be rostered for the duty. */
export const mayHoldDuty = (roles: readonly Role[], duty: DutyRole) => DUTY_ROLE_HOLDERS[duty].some((r) => roles.includes(r));

/**
 * Whether a staff member whose scope is `scopes` (GB/T 2260 codes or CN)
 * works in `region`: one scope is the region or above it. Only a nationwide
 * scope covers a national (CN) shift.
 */
export const scopeCovers = (scopes: readonly string[], region: string) =>
  scopes.some((s) => s === NATIONWIDE || (region !== NATIONWIDE && region.startsWith(scopePrefix(s))));

/**
 * Whether someone on a shift is on duty: the shift covers the instant
 * (`from` ≤ at < `to`), the person is active and still holds a role fit for
 * the duty, and, for engineers, has not gone off duty
 * (`PUT /staff/{id}/on-duty {onDuty:false}`, the override dispatch also honours).
 */
export const availableForDuty = (staff: { active: boolean; roles: readonly Role[]; onDuty: boolean }, duty: DutyRole) =>
  staff.active && mayHoldDuty(staff.roles, duty) && (duty !== 'engineer' || staff.onDuty);
