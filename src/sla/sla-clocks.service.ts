import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { PostCommit } from '../common/post-commit';
import { BatchPart, WriteBatch } from '../common/write-batch';
import { QueueName } from '../queues/queue-names';
import { SlaClock } from './sla-clock.entity';
import {
  InsertedClock,
  clocksOfCase,
  clocksOfCases,
  insertCaseClocksIn,
  insertClocksOfCases,
  insertClocksOfCasesIn,
  lockClocksOfCase,
  updateClock,
} from './sla-clocks.repository';
import { ClockName, dueAt, thresholdAt } from './sla-levels.port';
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

/** One case's clocks to open with openMany or openManyIn (cases open through CaseIntake). */
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
function freshClock(r: InsertedClock, at: Date): SlaClock {
  const timing = { startedAt: at, pausedMs: 0, targetSeconds: r.targetSeconds, warnAtPercent: r.warnAtPercent };
  return Object.assign(new SlaClock(), {
    id: r.id,
    caseKind: r.caseKind,
    caseId: r.caseId,
    clock: r.clock,
    policyKey: r.policyKey,
    policyVersion: r.policyVersion,
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

/** Each case's fresh clocks, (resolution, response), from the rows of one insert. */
function byCase(inserted: InsertedClock[], at: Date): { clocks: SlaClock[]; byCase: Map<string, SlaClock[]> } {
  const out = new Map<string, SlaClock[]>();
  const all: SlaClock[] = [];
  for (const r of inserted) {
    const clock = freshClock(r, at);
    all.push(clock);
    out.set(
      clock.caseId,
      [...(out.get(clock.caseId) ?? []), clock].sort((x, y) => x.clock.localeCompare(y.clock)),
    );
  }
  return { clocks: all, byCase: out };
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
   * One case's two clocks under the policy `<kind>:P<priority>` in force, as
   * part of the new case's batch of inserts (CaseIntake.open); resolves once
   * the batch has run. Its own SQL rather than openManyIn's for one case:
   * measured cheaper on the server (docs/PERFORMANCE.md, "Code health
   * (issue 10)"). A missing policy makes the batch itself fail (see
   * below), so the case is never written without its clocks.
   */
  openIn(batch: WriteBatch, post: PostCommit, kind: string, caseId: string, priority: number, at = new Date()): BatchPart<SlaClock[]> {
    const inserted = insertCaseClocksIn(batch, { kind, caseId, policyKey: `${kind}:P${priority}`, at });
    // With no such policy the insert fails, and the whole batch with it: a case
    // never exists without its clocks, even when the batch runs without an
    // explicit transaction.
    const clocks = inserted.map((rows) => {
      if (rows.length !== 2) throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${kind}:P${priority}`);
      return rows.map((r) => freshClock(r, at)).sort((x, y) => x.clock.localeCompare(y.clock)); // resolution, response
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
    const inserted = await insertClocksOfCases(em, specs.map(caseClocks), at);
    const { clocks, byCase: out } = this.checkOpened(specs, inserted, at);
    post.add(() => this.armAll(clocks));
    return out;
  }

  /**
   * openMany as part of a batch of inserts (an intake written as one
   * statement, CaseIntake.open, for several cases or a floor under the
   * resolution target); each case's clocks can be read once the batch has
   * run. As with openIn, a missing policy makes the batch itself fail, so no
   * case is written without its clocks.
   */
  openManyIn(batch: WriteBatch, post: PostCommit, specs: ClockSpec[], at = new Date()): BatchPart<Map<string, SlaClock[]>> {
    let checked: ReturnType<SlaClocksService['checkOpened']> | undefined;
    const opened = insertClocksOfCasesIn(batch, specs.map(caseClocks), at).map(
      (inserted) => (checked ??= this.checkOpened(specs, inserted, at)),
    );
    post.add(() => this.armAll(opened.value.clocks));
    return opened.map((o) => o.byCase);
  }

  /** Every case got both clocks, or the missing policy is named. */
  private checkOpened(specs: ClockSpec[], inserted: InsertedClock[], at: Date): { clocks: SlaClock[]; byCase: Map<string, SlaClock[]> } {
    if (inserted.length !== specs.length * 2) {
      const missing = specs.map((s) => s.policyKey).find((k) => !inserted.some((r) => r.policyKey === k));
      throw new SlaError(SlaErrorCode.SLA_POLICY_NOT_FOUND, `No SLA policy ${missing}`);
    }
    return byCase(inserted, at);
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
    return clocksOfCase(em, kind, caseId);
  }

  /** Clocks of many cases at once (lists). */
  async forCases(kind: string, caseIds: string[]): Promise<Map<string, SlaClock[]>> {
    const out = new Map<string, SlaClock[]>();
    if (!caseIds.length) return out;
    for (const r of await clocksOfCases(this.dataSource.manager, kind, caseIds)) out.set(r.caseId, [...(out.get(r.caseId) ?? []), r]);
    return out;
  }

  summary(clocks: SlaClock[]): CaseSla {
    const get = (name: ClockName) => clocks.find((c) => c.clock === name)!;
    return { responseDueAt: get('response').dueAt, resolutionDueAt: get('resolution').dueAt };
  }

  /** Adds the delayed jobs that wake the worker at each clock's next threshold (after commit only), in one round trip. */
  async armAll(clocks: Pick<SlaClock, 'id' | 'generation' | 'state' | 'nextLevel' | 'nextAt'>[]): Promise<unknown> {
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
    await updateClock(em, c);
    const snapshot = { ...c };
    post.add(() => this.armAll([snapshot]));
  }

  private lockClocks(em: EntityManager, kind: string, caseId: string): Promise<SlaClock[]> {
    return lockClocksOfCase(em, kind, caseId);
  }
}

const caseClocks = (s: ClockSpec) => ({
  kind: s.kind,
  caseId: s.caseId,
  policyKey: s.policyKey,
  minResolutionSeconds: s.minResolutionSeconds ?? null,
});
