import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { guardedUpdate } from '../common/guarded-update';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
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

  /** An edit applies to cases opened after it: running clocks keep the version they started with. */
  async update(auth: AuthContext, key: string, targets: PolicyTargets): Promise<SlaPolicy> {
    if (targets.resolutionSeconds < targets.responseSeconds) {
      throw invalidFields({ field: 'resolutionSeconds', message: 'must not be shorter than responseSeconds' });
    }
    return this.dataSource.transaction(async (em) => {
      const before = await lockPolicy(em, key);
      if (!before) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${key}`);
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
