import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NATIONWIDE } from '../common/auth/region-scope';
import { RegionsService } from '../regions/regions.service';
import { RostersService } from '../rosters/rosters.service';
import { StaffService } from '../staff/staff.service';
import type { StaffContact } from '../staff/staff.service';
import { EscalationPoliciesService } from './escalation-policies.service';
import { parseRule } from './escalation-rules.port';
import type { EscalationRule, ParsedRule, Recipient, RecipientQuery } from './escalation-rules.port';

/**
 * Whom an alert reaches: the port the notification pipeline calls
 * (docs/ARCHITECTURE.md, "Escalation policies"). Reads the policy in force
 * for the case's region, resolves each rule of the alert's level to people
 * and returns them with their contacts, each person once (under the first
 * rule that picked them), inactive staff left out.
 */
@Injectable()
export class EscalationService {
  constructor(
    private readonly policies: EscalationPoliciesService,
    private readonly rosters: RostersService,
    private readonly staff: StaffService,
    private readonly regions: RegionsService,
  ) {}

  /** Read in the caller's transaction (`em`), so the people match what it has written. */
  async recipientsFor(em: EntityManager, q: RecipientQuery): Promise<Recipient[]> {
    const policy = await this.policies.effective(q.region, em);
    const picked = new Map<string, EscalationRule>();
    const known = new Map<string, StaffContact>();
    for (const rule of policy.levels[q.level]) {
      const parsed = parseRule(rule);
      if (!parsed) continue; // the DTO and the policy's validation let no other rule in
      for (const person of await this.resolve(em, parsed, q)) {
        const id = typeof person === 'string' ? person : person.id;
        if (typeof person !== 'string') known.set(id, person);
        if (!picked.has(id)) picked.set(id, rule);
      }
    }
    const unknown = [...picked.keys()].filter((id) => !known.has(id));
    for (const person of await this.staff.contacts(unknown, em)) known.set(person.id, person);
    return [...picked].flatMap(([id, reason]) => {
      const person = known.get(id);
      if (!person?.active) return [];
      return [
        {
          staffId: id,
          displayName: person.displayName,
          reason,
          workPhone: person.workPhone,
          email: person.email,
          wecomUserId: person.wecomUserId,
          dingtalkUserId: person.dingtalkUserId,
        },
      ];
    });
  }

  /** The people one rule names: ids to look up, or staff records already read. */
  private async resolve(em: EntityManager, rule: ParsedRule, q: RecipientQuery): Promise<(string | StaffContact)[]> {
    switch (rule.kind) {
      case 'assignee':
        return q.assigneeId ? [q.assigneeId] : [];
      case 'account_manager':
        return q.accountManagerId ? [q.accountManagerId] : [];
      case 'staff':
        return [rule.staffId];
      case 'on_duty':
        return (await this.rosters.onDuty(em, q.region, rule.duty, q.at)).people.map((p) => p.staff);
      case 'region_director':
        return this.nearestDirectors(em, this.rosters.chainOf(q.region));
      case 'province_director': {
        const province = this.regions.chain(q.region).find((r) => r.level === 'province');
        return this.nearestDirectors(em, province ? [province.code, NATIONWIDE] : [NATIONWIDE]);
      }
    }
  }

  /** The active directors scoped to the first region of `chain` that has any. */
  private async nearestDirectors(em: EntityManager, chain: string[]): Promise<StaffContact[]> {
    const directors = await this.staff.activeScopedTo('director', chain, em);
    const rank = (d: StaffContact) => Math.min(...d.regions.map((r) => chain.indexOf(r)).filter((i) => i >= 0));
    const nearest = Math.min(...directors.map(rank));
    return directors.filter((d) => rank(d) === nearest);
  }
}
