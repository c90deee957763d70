import type { AlertLevel } from '../sla/sla-levels.port';
import { DUTY_ROLES } from '../rosters/duty-roles.port';
import type { DutyRole } from '../rosters/duty-roles.port';

/*
 * Whom an alert reaches (docs/ARCHITECTURE.md, "Escalation policies"): the
 * rules a policy lists per alert level, and the port the notification
 * pipeline calls (EscalationService.recipientsFor). A rule names a person by
 * their relation to the case:
 * - `assignee`: the staff member the case is assigned to;
 * - `account_manager`: the customer's account manager;
 * - `on_duty:<dutyRole>`: the people on duty for that duty in the case's region by the roster (the nearest region with someone on duty);
 * - `region_director`: the directors scoped to the case's region itself, else to its city, else its province, else CN (the nearest);
 * - `province_director`: the directors scoped to the case's province, else CN;
 * - `staff:<uuid>`: one named staff member.
 */

export const RELATION_RULES = ['assignee', 'account_manager', 'region_director', 'province_director'] as const;
export type RelationRule = (typeof RELATION_RULES)[number];
export type EscalationRule = RelationRule | `on_duty:${DutyRole}` | `staff:${string}`;

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
export const ESCALATION_RULE = new RegExp(`^(${RELATION_RULES.join('|')}|on_duty:(${DUTY_ROLES.join('|')})|staff:${UUID})$`);
export const ESCALATION_RULE_TEXT = `${RELATION_RULES.join(', ')}, ${DUTY_ROLES.map((d) => `on_duty:${d}`).join(', ')} or staff:<uuid>`;

export type ParsedRule = { kind: RelationRule } | { kind: 'on_duty'; duty: DutyRole } | { kind: 'staff'; staffId: string };

/** A rule as data, or null when it is none (ESCALATION_RULE). */
export function parseRule(rule: string): ParsedRule | null {
  if (!ESCALATION_RULE.test(rule)) return null;
  if (rule.startsWith('on_duty:')) return { kind: 'on_duty', duty: rule.slice('on_duty:'.length) as DutyRole };
  if (rule.startsWith('staff:')) return { kind: 'staff', staffId: rule.slice('staff:'.length).toLowerCase() };
  return { kind: rule as RelationRule };
}

/** A policy: the rules of each alert level, in the order their people are listed. */
export type EscalationLevels = Record<AlertLevel, EscalationRule[]>;

/** What the notification pipeline knows of an alert when it asks whom to reach. */
export interface RecipientQuery {
  level: AlertLevel;
  caseKind: string;
  caseId: string;
  /** The case's region: where the policy, the roster and the directors are looked for. */
  region: string;
  customerId: string | null;
  assigneeId: string | null;
  accountManagerId: string | null;
  /** The instant the roster is read at (when the alert was raised). */
  at: Date;
}

/** One person to reach, with the contact fields a channel needs (in full: never an API answer as is). */
export interface Recipient {
  staffId: string;
  displayName: string;
  /** The first rule of the level that picked them (a person picked by several rules is listed once). */
  reason: EscalationRule;
  workPhone: string | null;
  email: string | null;
  wecomUserId: string | null;
  dingtalkUserId: string | null;
}
