import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { NATIONWIDE } from '../common/auth/region-scope';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import type { FieldError } from '../common/errors/domain-error';
import { guardedUpdate } from '../common/guarded-update';
import { ALERT_LEVELS } from '../sla/sla-levels.port';
import { RegionsService } from '../regions/regions.service';
import { RostersService } from '../rosters/rosters.service';
import { StaffService } from '../staff/staff.service';
import type { EscalationPolicyDto, UpdateEscalationPolicyDto } from './dto/escalation-policy.dto';
import { EscalationPolicy } from './escalation-policy.entity';
import { deletePolicy, insertPolicy, lockPolicy, policiesAlong } from './escalation-policies.repository';
import { parseRule } from './escalation-rules.port';
import type { EscalationLevels, EscalationRule } from './escalation-rules.port';
import { EscalationError, EscalationErrorCode } from './escalations.errors';

/** The policy in force for a region: its own, or the nearest region's above it (up to CN, which always has one). */
export interface EffectivePolicy {
  region: string;
  /** Null when the region has its own policy; else the region whose policy applies. */
  inheritedFrom: string | null;
  levels: EscalationLevels;
  /** The region's own policy's version; 0 while it inherits. */
  version: number;
  updatedBy: string | null;
  updatedAt: Date;
}

/** The audit rows of a policy concern its region (the national one: no single region, for nationwide readers). */
const auditRegions = (region: string) => (region === NATIONWIDE ? [] : [region]);

/**
 * Escalation policies per region (docs/ARCHITECTURE.md, "Escalation
 * policies"): read with inheritance, edited by admins under an optimistic
 * version, removed to inherit again.
 */
@Injectable()
export class EscalationPoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly rosters: RostersService,
    private readonly staff: StaffService,
    private readonly audit: AuditService,
  ) {}

  get(region: string): Promise<EscalationPolicyDto> {
    return this.effective(region);
  }

  /** The policy in force for `region`, read in the caller's transaction when given. */
  async effective(region: string, em: EntityManager = this.dataSource.manager): Promise<EffectivePolicy> {
    const [applies] = await policiesAlong(em, this.chainOf(region));
    // The migration seeds CN and nothing removes it (ESCALATION_ROOT_REQUIRED): some policy always applies.
    if (!applies) throw new Error('No national escalation policy (CN): the migration seeds one');
    const own = applies.region === region;
    return {
      region,
      inheritedFrom: own ? null : applies.region,
      levels: applies.levels,
      version: own ? applies.version : 0,
      updatedBy: applies.updatedBy,
      updatedAt: applies.updatedAt,
    };
  }

  /**
   * Replaces the region's own policy (every level), or gives it one
   * (`expectedVersion` 0, while it inherits). A stale version is 409; a
   * `staff:<uuid>` rule must name an active staff member (400 naming it).
   */
  async update(auth: AuthContext, region: string, dto: UpdateEscalationPolicyDto): Promise<EscalationPolicyDto> {
    this.assertRegion(region);
    const levels = normalised(dto.levels);
    return this.dataSource.transaction(async (em) => {
      await this.assertNamedStaff(em, levels);
      const before = await lockPolicy(em, region);
      if (!before) {
        if (dto.expectedVersion !== 0) throw staleVersion('escalation policy', dto.expectedVersion, 0);
        // Two first edits at once: one inserts, the other finds the row and is stale.
        const created = await insertPolicy(em, region, levels, auth.staffId);
        if (!created) throw staleVersion('escalation policy', 0, 1);
        await this.audit.record(em, auth, {
          action: 'escalation_policy.created',
          entity: 'escalation_policy',
          entityId: region,
          changes: { levels },
          regions: auditRegions(region),
        });
      } else {
        if (dto.expectedVersion !== before.version) throw staleVersion('escalation policy', dto.expectedVersion, before.version);
        await guardedUpdate(
          em,
          EscalationPolicy,
          { region },
          before.version,
          { levels, updatedBy: auth.staffId, updatedAt: new Date() },
          'escalation policy',
        );
        await this.audit.record(em, auth, {
          action: 'escalation_policy.updated',
          entity: 'escalation_policy',
          entityId: region,
          changes: changedFields(before, { levels }),
          regions: auditRegions(region),
        });
      }
      return this.effective(region, em);
    });
  }

  /** The region inherits again; the national policy cannot be removed (409). */
  async remove(auth: AuthContext, region: string): Promise<void> {
    this.assertRegion(region);
    if (region === NATIONWIDE) {
      throw new EscalationError(
        EscalationErrorCode.ESCALATION_ROOT_REQUIRED,
        'The national policy (CN) is where inheritance ends: edit it instead',
      );
    }
    await this.dataSource.transaction(async (em) => {
      const before = await lockPolicy(em, region);
      if (!before) {
        throw new EscalationError(
          EscalationErrorCode.ESCALATION_POLICY_NOT_FOUND,
          `Region ${region} has no policy of its own; it inherits already`,
        );
      }
      await deletePolicy(em, region);
      await this.audit.record(em, auth, {
        action: 'escalation_policy.deleted',
        entity: 'escalation_policy',
        entityId: region,
        changes: { levels: before.levels, version: before.version },
        regions: auditRegions(region),
      });
    });
  }

  /** The region, its city, its province, then CN (where a policy is looked for); 404 for a code that is no region. */
  private chainOf(region: string): string[] {
    this.assertRegion(region);
    return this.rosters.chainOf(region);
  }

  private assertRegion(region: string): void {
    if (region !== NATIONWIDE && !this.regions.find(region)) {
      throw new EscalationError(EscalationErrorCode.ESCALATION_REGION_NOT_FOUND, `No region ${region}`);
    }
  }

  /** Every staff:<uuid> rule names an active staff member. */
  private async assertNamedStaff(em: EntityManager, levels: EscalationLevels): Promise<void> {
    const named = ALERT_LEVELS.flatMap((level) =>
      levels[level].flatMap((rule, i) => {
        const parsed = parseRule(rule);
        return parsed?.kind === 'staff' ? [{ field: `levels.${level}[${i}]`, staffId: parsed.staffId }] : [];
      }),
    );
    if (!named.length) return;
    const active = new Set(
      (
        await this.staff.contacts(
          named.map((n) => n.staffId),
          em,
        )
      )
        .filter((s) => s.active)
        .map((s) => s.id),
    );
    const bad: FieldError[] = named
      .filter((n) => !active.has(n.staffId))
      .map((n) => ({ field: n.field, message: 'names no active staff member' }));
    if (bad.length) throw invalidFields(...bad);
  }
}

/** The levels in their canonical order, staff ids in lower case (so a rule compares equal however it was typed). */
function normalised(levels: EscalationLevels): EscalationLevels {
  const out = {} as EscalationLevels;
  for (const level of ALERT_LEVELS) {
    out[level] = levels[level].map((rule) => (rule.startsWith('staff:') ? (rule.toLowerCase() as EscalationRule) : rule));
    const repeated = out[level].findIndex((rule, i) => out[level].indexOf(rule) !== i);
    if (repeated >= 0) throw invalidFields({ field: `levels.${level}[${repeated}]`, message: 'repeats a rule of the level' });
  }
  return out;
}
