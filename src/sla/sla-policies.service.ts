import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarsService } from '../calendars/calendars.service';
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
  responseCalendar: string;
  resolutionCalendar: string;
}

/** How often a process re-reads the policies (an edit made in another process reaches this one within this). */
export const POLICY_REFRESH_MS = 5_000;

@Injectable()
export class SlaPoliciesService implements OnModuleInit, OnApplicationShutdown {
  /** Every policy by key, as last read: intake lays out clocks from it without a round trip. */
  private snapshot = new Map<string, SlaPolicy>();
  private refresher?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly calendars: CalendarsService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.refresh();
    // A failed re-read keeps the last snapshot; the next tick tries again.
    this.refresher = setInterval(() => void this.refresh().catch(() => undefined), POLICY_REFRESH_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  /** Re-reads every policy (at start, on a timer, and at once after an edit in this process). */
  async refresh(): Promise<void> {
    this.snapshot = new Map((await allPolicies(this.dataSource.manager)).map((p) => [p.key, p]));
  }

  list(): Promise<SlaPolicy[]> {
    return allPolicies(this.dataSource.manager);
  }

  /**
   * The policy in force as this process last read it (docs/ARCHITECTURE.md,
   * "SLA in working time": an edit in this process applies at once, one in
   * another process within POLICY_REFRESH_MS). Intake uses it so that a case
   * is written in one statement; the clock records the version it used.
   */
  inForce(key: string): SlaPolicy {
    const policy = this.snapshot.get(key);
    if (!policy) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${key}`);
    return policy;
  }

  /** The policy in force now, read in the case's transaction (a re-target) so the clock records its version. */
  async current(em: EntityManager, kind: string, priority: number): Promise<SlaPolicy> {
    const policy = await policyByKey(em, `${kind}:P${priority}`);
    if (!policy) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${kind}:P${priority}`);
    return policy;
  }

  /**
   * An edit applies to cases opened after it: running clocks keep the
   * version they started with. Absent fields keep their value; the merged
   * targets are checked (a floor of SLA_MIN_SECONDS, resolution not shorter
   * than response, calendars that exist).
   */
  async update(auth: AuthContext, key: string, patch: Partial<PolicyTargets>): Promise<SlaPolicy> {
    const given = Object.entries(patch).filter(([, v]) => v !== undefined);
    if (!given.length) {
      throw invalidFields({
        field: 'responseSeconds',
        message: 'at least one of responseSeconds, resolutionSeconds, warnAtPercent, responseCalendar, resolutionCalendar is required',
      });
    }
    const floor = this.config.sla.minSeconds;
    const below = (['responseSeconds', 'resolutionSeconds'] as const).filter((f) => patch[f] !== undefined && patch[f] < floor);
    const unknown = (['responseCalendar', 'resolutionCalendar'] as const).filter(
      (f) => patch[f] !== undefined && !this.calendars.has(patch[f]),
    );
    if (below.length || unknown.length) {
      throw invalidFields(
        ...below.map((field) => ({ field, message: `must be at least ${floor} seconds (SLA_MIN_SECONDS)` })),
        ...unknown.map((field) => ({ field, message: `no calendar ${patch[field]} (GET /api/v1/calendars lists them)` })),
      );
    }
    const updated = await this.dataSource.transaction(async (em) => {
      const before = await lockPolicy(em, key);
      if (!before) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${key}`);
      const targets: PolicyTargets = {
        responseSeconds: patch.responseSeconds ?? before.responseSeconds,
        resolutionSeconds: patch.resolutionSeconds ?? before.resolutionSeconds,
        warnAtPercent: patch.warnAtPercent ?? before.warnAtPercent,
        responseCalendar: patch.responseCalendar ?? before.responseCalendar,
        resolutionCalendar: patch.resolutionCalendar ?? before.resolutionCalendar,
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
    await this.refresh();
    return updated;
  }
}
