import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { guardedUpdate } from '../common/guarded-update';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { AppConfig } from '../config/app-config';
import { SlaPolicy } from './sla-policy.entity';
import { allPolicies, lockPolicy, policyByKey } from './sla-policies.repository';
import { SlaError, SlaErrorCode } from './sla.errors';

export interface PolicyTargets {
  responseSeconds: number;
  resolutionSeconds: number;
  warnAtPercent: number;
}

@Injectable()
export class SlaPoliciesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  list(): Promise<SlaPolicy[]> {
    return allPolicies(this.dataSource.manager);
  }

  /** The policy in force now; read in the case's transaction so the clock records its version. */
  async current(em: EntityManager, kind: string, priority: number): Promise<SlaPolicy> {
    const policy = await policyByKey(em, `${kind}:P${priority}`);
    if (!policy) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${kind}:P${priority}`);
    return policy;
  }

  /**
   * An edit applies to cases opened after it: running clocks keep the
   * version they started with. Absent fields keep their value; the merged
   * targets are checked (a floor of SLA_MIN_SECONDS, resolution not shorter
   * than response).
   */
  async update(auth: AuthContext, key: string, patch: Partial<PolicyTargets>): Promise<SlaPolicy> {
    const given = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!given.length) {
      throw invalidFields({
        field: 'responseSeconds',
        message: 'at least one of responseSeconds, resolutionSeconds, warnAtPercent is required',
      });
    }
    const floor = this.config.sla.minSeconds;
    const below = (['responseSeconds', 'resolutionSeconds'] as const).filter((f) => patch[f] !== undefined && patch[f] < floor);
    if (below.length) {
      throw invalidFields(...below.map((field) => ({ field, message: `must be at least ${floor} seconds (SLA_MIN_SECONDS)` })));
    }
    return this.dataSource.transaction(async (em) => {
      const before = await lockPolicy(em, key);
      if (!before) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${key}`);
      const targets: PolicyTargets = {
        responseSeconds: patch.responseSeconds ?? before.responseSeconds,
        resolutionSeconds: patch.resolutionSeconds ?? before.resolutionSeconds,
        warnAtPercent: patch.warnAtPercent ?? before.warnAtPercent,
      };
      if (targets.resolutionSeconds < targets.responseSeconds) {
        const field = patch.resolutionSeconds !== undefined ? 'resolutionSeconds' : 'responseSeconds';
        throw invalidFields({
          field,
          message: `resolutionSeconds (${targets.resolutionSeconds}) must not be shorter than responseSeconds (${targets.responseSeconds})`,
        });
      }
      await guardedUpdate(
        em,
        SlaPolicy,
        { key },
        before.version,
        { ...targets, updatedAt: new Date(), updatedBy: auth.staffId },
        'SLA policy',
      );
      await this.audit.record(em, auth, {
        action: 'sla_policy.updated',
        entity: 'sla_policy',
        entityId: key,
        changes: changedFields(before, targets),
        regions: [], // applies everywhere: for nationwide readers
      });
      return (await policyByKey(em, key))!;
    });
  }
}
