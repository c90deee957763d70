import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager, In } from 'typeorm';
import { PostCommit } from '../common/post-commit';
import { sql } from '../common/sql';
import { BatchPart, WriteBatch } from '../common/write-batch';
import { QueueName } from '../queues/queue-names';
import { SlaClock } from './sla-clock.entity';
import { ClockName, dueAt, thresholdAt } from './sla-levels';
import { SlaPoliciesService } from './sla-policies.service';
import { SlaError, SlaErrorCode } from './sla.errors';

export const FIRE_JOB = 'fire';
export interface FireJobData {
  clockId: string;
  generation: number;
  /** The level this timer is for. */
  level: string;
}

/** Deterministic, colon-free: the same clock, generation and level is one job however often it is armed. */
export const fireJobId = (c: Pick<SlaClock, 'id' | 'generation' | 'nextLevel'>) => `sla-${c.id}-g${c.generation}-${c.nextLevel}`;

export type ClockChange = 'stop_response' | 'pause_resolution' | 'resume_resolution' | 'stop_resolution' | 'stop_all';

/** One case's clocks to open with openMany. */
export interface ClockSpec {
  kind: string;
  caseId: string;
  /** The policy that sets the targets, e.g. `order:P2` (a work order runs under its order's policy). */
  policyKey: string;
  /** The resolution target is at least this many seconds from the start (greatest() ignores null). */
  minResolutionSeconds?: number;
}

export interface CaseSla {
  responseDueAt: Date;
  resolutionDueAt: Date;
}

/** A clock just inserted (the RETURNING row of its INSERT), as the engine holds it: running, first level next. */
function freshClock(r: Record<string, unknown>, at: Date): SlaClock {
  const timing = { startedAt: at, pausedMs: 0, targetSeconds: r.target_seconds as number, warnAtPercent: r.warn_at_percent as number };
  return Object.assign(new SlaClock(), {
    id: r.id as string,
    caseKind: r.case_kind as string,
    caseId: r.case_id as string,
    clock: r.clock as ClockName,
    policyKey: r.policy_key as string,
    policyVersion: r.policy_version as number,
    ...timing,
    pausedAt: null,
    stoppedAt: null,
    breachedAt: null,
    dueAt: dueAt(timing),
    state: 'running',
    generation: 1,
    nextLevel: 'warning',
    nextAt: thresholdAt(timing, 'warning'),
  } satisfies SlaClock);
}

/**
 * The SLA engine's API for case modules. Every call runs in the case's own
 * transaction or statement (a change locks the case row first); timers are
 * armed after commit through PostCommit. Knows case kinds only as strings.
 */
@Injectable()
export class SlaClocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly policies: SlaPoliciesService,
  ) {}

  /**
   * Starts both clocks under the policy in force, in one statement (this is
   * on the intake path), and arms their timers after commit.
   */
  async open(em: EntityManager, post: PostCommit, kind: string, caseId: string, priority: number, at = new Date()): Promise<SlaClock[]> {
    const clocks = await WriteBatch.alone(em, (batch) => this.openIn(batch, post, kind, caseId, priority, at));
    return clocks.value;
  }

  /**
   * The same two clocks as part of the new case's batch of inserts; resolves
   * once the batch has run. A missing policy makes the batch itself fail (see
   * below), so the case is never written without its clocks.
   */
  openIn(batch: WriteBatch, post: PostCommit, kind: string, caseId: string, priority: number, at = new Date()): BatchPart<SlaClock[]> {
    const inserted = batch.add(
      sql`INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent,
                                  started_at, due_at, state, generation, next_level, next_at)
          SELECT ${kind}, ${caseId}::uuid, t.clock, p.key, p.version, t.secs, p.warn_at_percent,
                 s.at, s.at + make_interval(secs => t.secs), 'running', 1, 'warning',
                 s.at + make_interval(secs => t.secs * p.warn_at_percent / 100.0)
            FROM (VALUES ('response'), ('resolution')) AS c(clock)
           CROSS JOIN (SELECT ${at}::timestamptz AS at) AS s
            LEFT JOIN sla_policies p ON p.key = ${`${kind}:P${priority}`}
           CROSS JOIN LATERAL (SELECT c.clock, CASE c.clock WHEN 'response' THEN p.response_seconds ELSE p.resolution_seconds END) AS t(clock, secs)
          RETURNING id, clock, policy_key, policy_version, target_seconds, warn_at_percent`,
    );
    // With no such policy the LEFT JOIN yields a NULL policy_key, which the NOT
    // NULL column refuses: the whole batch fails, so a case never exists without
    // its clocks, even when the batch runs without an explicit transaction.
    const clocks = inserted.map((rows) => {
      if (rows.length !== 2) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${kind}:P${priority}`);
      return rows.map((r) => freshClock({ ...r, case_kind: kind, case_id: caseId }, at)).sort((x, y) => x.clock.localeCompare(y.clock)); // resolution, response
    });
    // Timers go out only after commit, when the batch has run and its clocks can be read.
    post.add(() => this.armAll(clocks.value));
    return clocks;
  }

  /**
   * Starts the clocks of many cases in one statement (an order and its work
   * orders), each under the policy `policyKey` in force. A case may set a
   * floor under its resolution target (an order never commits to less than
   * its products' lead time, or than the date the customer asked for): the
   * target is then the longer of the policy's and `minResolutionSeconds`, so
   * the resolution due time it returns is the commitment. Timers are armed after commit
   * in one round trip. Returns each case's clocks (resolution, response).
   */
  async openMany(em: EntityManager, post: PostCommit, specs: ClockSpec[], at = new Date()): Promise<Map<string, SlaClock[]>> {
    const rows: Record<string, unknown>[] = await em.query(
      `INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent,
                               started_at, due_at, state, generation, next_level, next_at)
       SELECT s.kind, s.case_id, t.clock, p.key, p.version, t.secs, p.warn_at_percent,
              $1::timestamptz, $1::timestamptz + make_interval(secs => t.secs), 'running', 1, 'warning',
              $1::timestamptz + make_interval(secs => t.secs * p.warn_at_percent / 100.0)
         FROM unnest($2::text[], $3::uuid[], $4::text[], $5::int[]) AS s(kind, case_id, policy_key, min_resolution_secs)
         JOIN sla_policies p ON p.key = s.policy_key
        CROSS JOIN LATERAL (VALUES ('response', p.response_seconds), ('resolution', greatest(p.resolution_seconds, s.min_resolution_secs))) AS t(clock, secs)
       RETURNING id, case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent`,
      [
        at,
        specs.map((s) => s.kind),
        specs.map((s) => s.caseId),
        specs.map((s) => s.policyKey),
        specs.map((s) => s.minResolutionSeconds ?? null),
      ],
    );
    if (rows.length !== specs.length * 2) {
      const missing = specs.map((s) => s.policyKey).find((k) => !rows.some((r) => r.policy_key === k));
      throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${missing}`);
    }
    const out = new Map<string, SlaClock[]>();
    const all: SlaClock[] = [];
    for (const r of rows) {
      const clock = freshClock(r, at);
      all.push(clock);
      out.set(
        clock.caseId,
        [...(out.get(clock.caseId) ?? []), clock].sort((x, y) => x.clock.localeCompare(y.clock)),
      );
    }
    post.add(() => this.armAll(all));
    return out;
  }

  /** Applies what a state change does to the clocks (see ticket-lifecycle.clockEffects). */
  async apply(em: EntityManager, post: PostCommit, kind: string, caseId: string, changes: ClockChange[], at = new Date()): Promise<void> {
    if (!changes.length) return;
    const clocks = await this.lockClocks(em, kind, caseId);
    for (const change of changes) {
      const target: ClockName[] =
        change === 'stop_all' ? ['response', 'resolution'] : [change.endsWith('response') ? 'response' : 'resolution'];
      for (const c of clocks.filter((x) => target.includes(x.clock))) {
        if (change === 'pause_resolution' && c.state === 'running') this.pause(c, at);
        else if (change === 'resume_resolution' && c.state !== 'running') this.resume(c, at);
        else if ((change === 'stop_response' || change === 'stop_resolution' || change === 'stop_all') && c.state !== 'stopped')
          this.stop(c, at);
        else continue;
        await this.save(em, post, c);
      }
    }
  }

  /**
   * A priority change: keep the elapsed time, take the targets of the new
   * policy. A threshold already passed fires at once (the timer is armed with no delay).
   */
  async retarget(em: EntityManager, post: PostCommit, kind: string, caseId: string, priority: number): Promise<CaseSla> {
    const policy = await this.policies.current(em, kind, priority);
    const clocks = await this.lockClocks(em, kind, caseId);
    for (const c of clocks) {
      if (c.state === 'stopped' && c.clock === 'response') continue; // already answered: nothing to re-target
      c.policyKey = policy.key;
      c.policyVersion = policy.version;
      c.targetSeconds = c.clock === 'response' ? policy.responseSeconds : policy.resolutionSeconds;
      c.warnAtPercent = policy.warnAtPercent;
      c.dueAt = dueAt(c);
      c.generation += 1;
      c.nextAt = c.state === 'running' && c.nextLevel ? thresholdAt(c, c.nextLevel) : null;
      await this.save(em, post, c);
    }
    return this.summary(clocks);
  }

  async forCase(kind: string, caseId: string, em: EntityManager = this.dataSource.manager): Promise<SlaClock[]> {
    return em.find(SlaClock, { where: { caseKind: kind, caseId }, order: { clock: 'ASC' } });
  }

  /** Clocks of many cases at once (lists). */
  async forCases(kind: string, caseIds: string[]): Promise<Map<string, SlaClock[]>> {
    const out = new Map<string, SlaClock[]>();
    if (!caseIds.length) return out;
    const rows = await this.dataSource.getRepository(SlaClock).find({ where: { caseKind: kind, caseId: In(caseIds) } });
    for (const r of rows) out.set(r.caseId, [...(out.get(r.caseId) ?? []), r]);
    return out;
  }

  summary(clocks: SlaClock[]): CaseSla {
    const get = (name: ClockName) => clocks.find((c) => c.clock === name)!;
    return { responseDueAt: get('response').dueAt, resolutionDueAt: get('resolution').dueAt };
  }

  /** Adds the delayed jobs that wake the worker at each clock's next threshold (after commit only), in one round trip. */
  async armAll(clocks: SlaClock[]): Promise<unknown> {
    const due = clocks.filter((c) => c.state === 'running' && c.nextLevel && c.nextAt);
    if (!due.length) return;
    return this.queue.addBulk(
      due.map((c) => ({
        name: FIRE_JOB,
        data: { clockId: c.id, generation: c.generation, level: c.nextLevel! } satisfies FireJobData,
        opts: {
          jobId: fireJobId(c),
          delay: Math.max(0, c.nextAt!.getTime() - Date.now()),
          removeOnComplete: true,
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }

  private pause(c: SlaClock, at: Date): void {
    c.state = 'paused';
    c.pausedAt = at;
    c.generation += 1;
    c.nextAt = null;
  }

  /** Resuming (from pending, or a reopened case) moves every threshold by the time it stood still. */
  private resume(c: SlaClock, at: Date): void {
    const since = c.pausedAt ?? c.stoppedAt ?? at;
    c.pausedMs += Math.max(0, at.getTime() - since.getTime());
    c.state = 'running';
    c.pausedAt = null;
    c.stoppedAt = null;
    c.generation += 1;
    c.dueAt = dueAt(c);
    c.nextAt = c.nextLevel ? thresholdAt(c, c.nextLevel) : null;
  }

  private stop(c: SlaClock, at: Date): void {
    // A clock stopped while paused keeps its pause start, so a reopen counts from there.
    c.stoppedAt = c.pausedAt ?? at;
    c.state = 'stopped';
    c.pausedAt = null;
    c.generation += 1;
    c.nextAt = null;
  }

  private async save(em: EntityManager, post: PostCommit, c: SlaClock): Promise<void> {
    await em.update(
      SlaClock,
      { id: c.id },
      {
        state: c.state,
        pausedAt: c.pausedAt,
        pausedMs: c.pausedMs,
        stoppedAt: c.stoppedAt,
        dueAt: c.dueAt,
        generation: c.generation,
        nextAt: c.nextAt,
        policyKey: c.policyKey,
        policyVersion: c.policyVersion,
        targetSeconds: c.targetSeconds,
        warnAtPercent: c.warnAtPercent,
      },
    );
    const snapshot = { ...c };
    post.add(() => this.armAll([snapshot]));
  }

  private lockClocks(em: EntityManager, kind: string, caseId: string): Promise<SlaClock[]> {
    return em.find(SlaClock, { where: { caseKind: kind, caseId }, lock: { mode: 'pessimistic_write' }, order: { clock: 'ASC' } });
  }
}
