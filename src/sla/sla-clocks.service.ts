import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { CalendarsService } from '../calendars/calendars.service';
import type { CompiledCalendar } from '../calendars/calendars.port';
import { CALENDAR_24X7, workingTimeBetween } from '../calendars/calendars.port';
import { PostCommit } from '../common/post-commit';
import { AppConfig } from '../config/app-config';
import { BatchPart, WriteBatch } from '../common/write-batch';
import { QueueName } from '../queues/queue-names';
import { consumedMs, layOut, remainingMs } from './clock-layout';
import { SlaClock } from './sla-clock.entity';
import type { ArmableClock } from './sla-clocks.repository';
import {
  clocksOfCase,
  clocksOfCases,
  insertClocks,
  insertClocksIn,
  lockClocksOfCase,
  lockRunningClocksOn,
  updateClock,
  updateLaidOut,
} from './sla-clocks.repository';
import type { ClockName } from './sla-levels.port';
import { SlaPoliciesService } from './sla-policies.service';
import { SlaPolicy } from './sla-policy.entity';

export const FIRE_JOB = 'fire';
export const RELAYOUT_JOB = 'relayout';
export interface RelayoutJobData {
  calendarKeys: string[];
}
export interface FireJobData {
  clockId: string;
  generation: number;
  /** The level this timer is for. */
  level: string;
}

/** Timers added per round trip to Redis (SlaClocksService.armAll). */
const ARM_CHUNK = 500;

/**
 * How far ahead a timer is armed for a sweep every `sweepSeconds`: two sweeps.
 * A threshold further off gets its delayed job from a sweep that runs at least
 * one sweep interval before it is due (SlaAlertingService.sweep), so Redis
 * holds the timers of the next half-minute, not one per open clock
 * (docs/ARCHITECTURE.md, "SLA timers").
 */
export const armHorizonSecondsFor = (sweepSeconds: number) => sweepSeconds * 2;

/** Deterministic, colon-free: the same clock, generation and level is one job however often it is armed. */
export const fireJobId = (c: Pick<SlaClock, 'id' | 'generation' | 'nextLevel'>) => `sla-${c.id}-g${c.generation}-${c.nextLevel}`;

export type ClockChange = 'stop_response' | 'pause_resolution' | 'resume_resolution' | 'stop_resolution' | 'stop_all';

/** One case's clocks to open (cases open through CaseIntake). */
export interface ClockSpec {
  kind: string;
  caseId: string;
  /** The policy that sets the targets and names the calendars, e.g. `order:P2` (a work order runs under its order's policy). */
  policyKey: string;
  /** A green-channel case, or a customer whose contract asks for 24×7: both clocks count on `24x7`, whatever the policy names. */
  around24x7?: boolean;
  /**
   * The least the resolution clock commits to (an order: its products' lead
   * time in working days of the clock's calendar, and the instant the
   * customer asked for): its target is the longest of the policy's and these.
   */
  resolutionFloor?: { workingDays: number; until: Date | null };
  /**
   * A clock that follows no policy row: this one clock only, with its own
   * target, calendar and warning share (a call-back's due time is
   * CALLBACK_DUE_HOURS, src/callbacks). `policyKey` then only names it on the
   * clock (policy version 0); nothing re-targets such a clock.
   */
  fixed?: { clock: ClockName; targetSeconds: number; calendarKey: string; warnAtPercent: number };
}

/** What a re-target is for: the new priority, and what decides the calendars. */
export interface Retarget {
  priority: number;
  greenChannel: boolean;
  contract24x7: boolean;
}

export interface CaseSla {
  responseDueAt: Date;
  resolutionDueAt: Date;
}

/** A clock as a case's view reads it: its row, and the working time left of its target when it was read (negative once overrun). */
export type ClockReading = SlaClock & { workingMsRemaining: number };

/**
 * The SLA engine's API for case modules. Every call runs in the case's own
 * transaction or statement (a change locks the case row first); timers are
 * armed after commit through PostCommit. Knows case kinds only as strings.
 * Targets are working time on each clock's calendar (docs/ARCHITECTURE.md,
 * "SLA in working time"); clock-layout.ts places the thresholds.
 */
@Injectable()
export class SlaClocksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly policies: SlaPoliciesService,
    private readonly calendars: CalendarsService,
    private readonly config: AppConfig,
  ) {}

  /** This process's arming horizon (armHorizonSecondsFor its SLA_SWEEP_SECONDS). */
  get armHorizonSeconds(): number {
    return armHorizonSecondsFor(this.config.sla.sweepSeconds);
  }

  /**
   * One case's two clocks (resolution, response) as part of the new case's
   * batch of inserts (CaseIntake.open); resolves once the batch has run. A
   * missing policy throws before anything is written.
   */
  openIn(batch: WriteBatch, post: PostCommit, spec: ClockSpec, at = new Date()): BatchPart<ClockReading[]> {
    return this.openManyIn(batch, post, [spec], at).map((byCase) => byCase.get(spec.caseId)!);
  }

  /**
   * The clocks of many cases (an order and its work orders) in one statement,
   * each under its policy in force; returns each case's clocks (resolution,
   * response), whose resolution due time is the commitment (see ClockSpec).
   * Timers are armed after commit, in one round trip.
   */
  async openMany(em: EntityManager, post: PostCommit, specs: ClockSpec[], at = new Date()): Promise<Map<string, ClockReading[]>> {
    const { clocks, byCase } = this.layOutNew(specs, at);
    await insertClocks(em, clocks);
    post.add(() => this.armAll(clocks));
    return byCase;
  }

  /** openMany as part of a batch of inserts (CaseIntake.open); each case's clocks can be read once the batch has run. */
  openManyIn(batch: WriteBatch, post: PostCommit, specs: ClockSpec[], at = new Date()): BatchPart<Map<string, ClockReading[]>> {
    const { byCase, inserted } = this.layOutIn(batch, post, specs, at);
    return inserted.map(() => byCase);
  }

  /**
   * openManyIn for a caller that needs the clocks before the batch runs (an
   * order's committed completion and its work orders' due times are their
   * resolution clocks' due times, written in the same batch): the clocks are
   * laid out in memory, so their targets and due times are known at once; the
   * rows go into the batch, the timers are armed after commit in one round trip.
   */
  openManyLaidOutIn(batch: WriteBatch, post: PostCommit, specs: ClockSpec[], at = new Date()): Map<string, ClockReading[]> {
    return this.layOutIn(batch, post, specs, at).byCase;
  }

  /** The clocks laid out in memory, their rows added to the batch, their timers armed after commit (both openMany…In). */
  private layOutIn(batch: WriteBatch, post: PostCommit, specs: ClockSpec[], at: Date) {
    const { clocks, byCase } = this.layOutNew(specs, at);
    const inserted = insertClocksIn(batch, clocks);
    post.add(() => this.armAll(inserted.value));
    return { byCase, inserted };
  }

  /** Applies what a state change does to the clocks (see ticket-lifecycle.clockEffects). */
  async apply(em: EntityManager, post: PostCommit, kind: string, caseId: string, changes: ClockChange[], at = new Date()): Promise<void> {
    if (!changes.length) return;
    const clocks = await lockClocksOfCase(em, kind, caseId);
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
   * A priority or green-channel change: the working time consumed so far is
   * kept (measured on the calendar it ran on), the new policy's targets and
   * calendars apply from now. A threshold already passed fires at once (the
   * timer is armed with no delay).
   */
  async retarget(em: EntityManager, post: PostCommit, kind: string, caseId: string, to: Retarget, at = new Date()): Promise<CaseSla> {
    const policy = await this.policies.current(em, kind, to.priority);
    const clocks = await lockClocksOfCase(em, kind, caseId);
    for (const c of clocks) {
      if (c.state === 'stopped' && c.clock === 'response') continue; // already answered: nothing to re-target
      if (c.state === 'running') {
        c.workedMs = consumedMs(this.calendars.compiled(c.calendarKey), c, at);
        c.resumedAt = at;
      }
      c.policyKey = policy.key;
      c.policyVersion = policy.version;
      c.calendarKey = calendarFor(policy, c.clock, to.greenChannel || to.contract24x7);
      c.targetSeconds = c.clock === 'response' ? policy.responseSeconds : policy.resolutionSeconds;
      c.warnAtPercent = policy.warnAtPercent;
      c.generation += 1;
      // A clock standing still shows when it would fall due were it resumed now.
      this.place(c, this.calendars.compiled(c.calendarKey), c.state === 'running' ? undefined : at);
      await this.save(em, post, c);
    }
    return this.summary(clocks);
  }

  /**
   * A calendar changed under running clocks (an exception entered, China's
   * table for a year, new hours): each is laid out again on it from its
   * running stretch, with what it had consumed before; a level that now lies
   * in the past fires at once, one already raised is not raised again (the
   * next level stays where the clock is). Batch by batch, each its own
   * transaction, locking the clocks as a case change would.
   */
  async relayOut(calendarKeys: string[], batchSize = 500): Promise<number> {
    let afterId: string | null = null;
    let total = 0;
    for (;;) {
      const post = new PostCommit();
      const clocks = await this.dataSource.transaction(async (em) => {
        const found = await lockRunningClocksOn(em, calendarKeys, afterId, batchSize);
        for (const c of found) {
          c.generation += 1;
          this.place(c, this.calendars.compiled(c.calendarKey));
        }
        if (found.length) await updateLaidOut(em, found);
        return found;
      });
      post.add(() => this.armAll(clocks));
      await post.run();
      total += clocks.length;
      if (clocks.length < batchSize) return total;
      afterId = clocks[clocks.length - 1].id;
    }
  }

  /** Asks a worker to lay out the clocks on these calendars again (retried until done: PostgreSQL keeps the clocks, the job only the work). */
  async requestRelayout(calendarKeys: string[]): Promise<void> {
    const keys = [...new Set(calendarKeys)].sort();
    if (!keys.length) return;
    await this.queue.add(RELAYOUT_JOB, { calendarKeys: keys } satisfies RelayoutJobData, {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }

  async forCase(kind: string, caseId: string, em: EntityManager = this.dataSource.manager): Promise<ClockReading[]> {
    return this.read(await clocksOfCase(em, kind, caseId));
  }

  /** Clocks of many cases at once (lists). */
  async forCases(kind: string, caseIds: string[]): Promise<Map<string, ClockReading[]>> {
    const out = new Map<string, ClockReading[]>();
    if (!caseIds.length) return out;
    for (const r of this.read(await clocksOfCases(this.dataSource.manager, kind, caseIds))) {
      out.set(r.caseId, [...(out.get(r.caseId) ?? []), r]);
    }
    return out;
  }

  summary(clocks: SlaClock[]): CaseSla {
    const get = (name: ClockName) => clocks.find((c) => c.clock === name)!;
    return { responseDueAt: get('response').dueAt, resolutionDueAt: get('resolution').dueAt };
  }

  /**
   * Adds the delayed jobs that wake the worker at each clock's next threshold
   * (after commit only), one round trip per ARM_CHUNK — for thresholds within
   * the arming horizon; the sweep arms the later ones as they come near.
   * Between chunks the event loop runs: a sweep arming ten thousand timers
   * built them in one go, a 200 ms stall that made the breaches raised
   * meanwhile late (issue 15 point 4, docs/PERFORMANCE.md).
   */
  async armAll(clocks: ArmableClock[]): Promise<void> {
    const until = Date.now() + this.armHorizonSeconds * 1000;
    const due = clocks.filter((c) => c.state === 'running' && c.nextLevel && c.nextAt && c.nextAt.getTime() <= until);
    for (let i = 0; i < due.length; i += ARM_CHUNK) {
      if (i) await new Promise((resolve) => setImmediate(resolve));
      await this.queue.addBulk(
        due.slice(i, i + ARM_CHUNK).map((c) => ({
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
  }

  /** Fresh running clocks for the specs, laid out on their calendars from `at` (nothing is written yet). */
  private layOutNew(specs: ClockSpec[], at: Date): { clocks: ClockReading[]; byCase: Map<string, ClockReading[]> } {
    const clocks: ClockReading[] = [];
    const byCase = new Map<string, ClockReading[]>();
    for (const spec of specs) {
      const policy = spec.fixed ? fixedPolicy(spec.policyKey, spec.fixed) : this.policies.inForce(spec.policyKey);
      const names: readonly ClockName[] = spec.fixed ? [spec.fixed.clock] : ['resolution', 'response'];
      const pair = names.map((name) => {
        const calendarKey = calendarFor(policy, name, spec.around24x7 ?? false);
        let targetSeconds = name === 'response' ? policy.responseSeconds : policy.resolutionSeconds;
        if (name === 'resolution' && spec.resolutionFloor) {
          targetSeconds = Math.max(targetSeconds, this.floorSeconds(calendarKey, spec.resolutionFloor, at));
        }
        const c = Object.assign(new SlaClock(), {
          id: randomUUID(),
          caseKind: spec.kind,
          caseId: spec.caseId,
          clock: name,
          policyKey: policy.key,
          policyVersion: policy.version,
          calendarKey,
          targetSeconds,
          warnAtPercent: policy.warnAtPercent,
          startedAt: at,
          pausedMs: 0,
          workedMs: 0,
          resumedAt: at,
          pausedAt: null,
          stoppedAt: null,
          breachedAt: null,
          state: 'running' as const,
          generation: 1,
          nextLevel: 'warning' as const,
        });
        this.place(c, this.calendars.compiled(calendarKey));
        return Object.assign(c, { workingMsRemaining: targetSeconds * 1000 });
      });
      clocks.push(...pair);
      byCase.set(spec.caseId, pair);
    }
    return { clocks, byCase };
  }

  /** The working seconds from `at` that a commitment floor stands for on calendar `key`. */
  private floorSeconds(key: string, floor: NonNullable<ClockSpec['resolutionFloor']>, at: Date): number {
    const lead = Math.ceil((floor.workingDays * this.calendars.workingDayMs(key)) / 1000);
    // Rounded down: rounded up, the fraction of a second left over spilled past the asked-for instant, and past a
    // weekend when the instant fell in one (the commitment jumped to Monday 09:00 for a Saturday asked for).
    const until = floor.until ? Math.floor(workingTimeBetween(this.calendars.compiled(key), at, floor.until) / 1000) : 0;
    return Math.max(lead, until);
  }

  /**
   * Lays out every level from the running stretch's start (or `from`, for a
   * clock standing still: where it would fall were it resumed then) and
   * points the timer at the next level still owed.
   */
  private place(c: SlaClock, cal: CompiledCalendar, from?: Date): void {
    const levels = layOut(cal, from ?? c.resumedAt!, c.workedMs, c.targetSeconds, c.warnAtPercent);
    c.dueAt = levels.breached;
    if (c.state !== 'running') return;
    c.warnAt = levels.warning;
    c.escalate2At = levels.escalated_2;
    c.escalate3At = levels.escalated_3;
    c.nextAt = c.nextLevel ? levels[c.nextLevel] : null;
  }

  /** What a clock stands at now, for a view. */
  private read(clocks: SlaClock[]): ClockReading[] {
    const now = new Date();
    return clocks.map((c) => Object.assign(c, { workingMsRemaining: remainingMs(this.calendars.compiled(c.calendarKey), c, now) }));
  }

  /** A pause keeps the working time consumed; nothing is due until the clock resumes. */
  private pause(c: SlaClock, at: Date): void {
    c.workedMs = consumedMs(this.calendars.compiled(c.calendarKey), c, at);
    this.standStill(c);
    c.state = 'paused';
    c.pausedAt = at;
  }

  /** Resuming (from pending, or a reopened case) lays out the rest of the target from now, in working time. */
  private resume(c: SlaClock, at: Date): void {
    const since = c.pausedAt ?? c.stoppedAt ?? at;
    c.pausedMs += Math.max(0, at.getTime() - since.getTime());
    c.state = 'running';
    c.resumedAt = at;
    c.pausedAt = null;
    c.stoppedAt = null;
    c.generation += 1;
    this.place(c, this.calendars.compiled(c.calendarKey));
  }

  private stop(c: SlaClock, at: Date): void {
    if (c.state === 'running') c.workedMs = consumedMs(this.calendars.compiled(c.calendarKey), c, at);
    // A clock stopped while paused keeps its pause start, so a reopen counts from there.
    c.stoppedAt = c.pausedAt ?? at;
    this.standStill(c);
    c.state = 'stopped';
    c.pausedAt = null;
  }

  /** No running stretch, no timer: a new generation makes any armed timer a no-op. */
  private standStill(c: SlaClock): void {
    c.resumedAt = null;
    c.warnAt = null;
    c.escalate2At = null;
    c.escalate3At = null;
    c.nextAt = null;
    c.generation += 1;
  }

  private async save(em: EntityManager, post: PostCommit, c: SlaClock): Promise<void> {
    await updateClock(em, c);
    const snapshot = { ...c };
    post.add(() => this.armAll([snapshot]));
  }
}

/** The policy a fixed clock (ClockSpec.fixed) is laid out under: its own target on both names, version 0, no row behind it. */
function fixedPolicy(key: string, f: NonNullable<ClockSpec['fixed']>): SlaPolicy {
  return Object.assign(new SlaPolicy(), {
    key,
    responseSeconds: f.targetSeconds,
    resolutionSeconds: f.targetSeconds,
    responseCalendar: f.calendarKey,
    resolutionCalendar: f.calendarKey,
    warnAtPercent: f.warnAtPercent,
    version: 0,
  });
}

/** A policy's calendar for one clock; a green-channel case or a 24×7 contract counts on 24x7. */
function calendarFor(policy: SlaPolicy, clock: ClockName, around24x7: boolean): string {
  if (around24x7) return CALENDAR_24X7;
  return clock === 'response' ? policy.responseCalendar : policy.resolutionCalendar;
}
