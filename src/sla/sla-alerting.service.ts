import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AlertsService, RaiseAlert } from '../alerts/alerts.service';
import { CasesService } from '../cases/cases.service';
import { PostCommit } from '../common/post-commit';
import { QueueName } from '../queues/queue-names';
import { SlaClock } from './sla-clock.entity';
import { ClockAdvance, advanceClocks, clockTimer, lockDueClocks, runningClocksDueWithin } from './sla-clocks.repository';
import { FIRE_JOB, FireJobData, SlaClocksService, fireJobId } from './sla-clocks.service';
import { dueLevels, levelAfter, levelAt } from './sla-levels.port';

// A wake-up this close before its threshold waits for it instead of re-arming.
const EARLY_WAIT_MS = 1000;
// Clocks taken per transaction: one statement per table, whatever the batch size.
const DRAIN_BATCH = 500;
// Drains a process runs at once for its timers (SKIP LOCKED splits the clocks between them): one alone waits on each statement in turn.
const DRAINS_IN_FLIGHT = 4;

/** What a drain did: how many alerts it raised, and which clocks it moved on (at which generation). */
interface Drained {
  raised: number;
  taken: Map<string, number>;
}

/**
 * Raises the alerts clocks owe. Every wake-up (a clock's timer, the sweep)
 * drains ALL clocks whose next threshold has passed, in set-based batches:
 * rows locked FOR UPDATE SKIP LOCKED, so concurrent workers split the work
 * instead of queueing on it, and one statement per table per batch, so a
 * burst of thousands of breaches costs a handful of transactions. The
 * alerts' unique key makes a second raise of a level a no-op, whatever races.
 *
 * Timers that fire together in one process share drains (drainSoon): a
 * burst of a thousand breaches a second is a drain or two in flight, not a
 * thousand transactions queueing for the pool, each finding that another
 * had already raised its clock (issue 15 point 4: that queue was the tail).
 */
@Injectable()
export class SlaAlertingService {
  private drainsInFlight = 0;
  private queuedDrain: Promise<Drained> | null = null;
  private startQueued: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly clocks: SlaClocksService,
    private readonly alerts: AlertsService,
    private readonly cases: CasesService,
  ) {}

  /** A clock's timer fired: drain what is due, then make sure this clock's own threshold is not left behind. */
  async fire(job: FireJobData): Promise<number> {
    const drained = await this.drainSoon();
    let raised = drained.raised;
    // The drain moved this very timer's clock on: its threshold was due and is raised, nothing is left to check.
    if (drained.taken.get(job.clockId) === job.generation) return raised;
    const c = await clockTimer(this.dataSource, job.clockId);
    const early = c && c.state === 'running' && c.generation === job.generation && c.nextAt && c.nextLevel === job.level;
    const waitMs = early ? c.nextAt!.getTime() - Date.now() : 0;
    if (waitMs > 0 && waitMs <= EARLY_WAIT_MS) {
      await sleep(waitMs);
      raised += (await this.drainSoon()).raised;
    } else if (waitMs > EARLY_WAIT_MS) {
      // Woken early (timer rounding, a stale duplicate): set a new timer for the real time.
      const clock = { id: job.clockId, generation: c!.generation, nextLevel: c!.nextLevel };
      await this.queue.add(FIRE_JOB, { ...job }, { jobId: `${fireJobId(clock)}-early`, delay: waitMs, removeOnComplete: true });
    }
    return raised;
  }

  /** Raises every due threshold, batch after batch, until none is left. Returns how many alerts were raised. */
  async drainDue(): Promise<number> {
    return (await this.drainAll()).raised;
  }

  /**
   * A drain that starts after this call (a drain only sees clocks due when
   * its transaction began, so one already running may be too early for a
   * timer that fired after it started): a new one while fewer than
   * DRAINS_IN_FLIGHT run, else the one that starts as soon as one of them
   * ends, shared by every caller meanwhile. So a process runs at most
   * DRAINS_IN_FLIGHT drains and keeps one waiting; other processes' drains
   * split the clocks with them (SKIP LOCKED).
   */
  private drainSoon(): Promise<Drained> {
    if (this.drainsInFlight < DRAINS_IN_FLIGHT) {
      this.drainsInFlight += 1;
      return this.drainAll().finally(() => {
        this.drainsInFlight -= 1;
        this.startQueued?.();
      });
    }
    this.queuedDrain ??= new Promise<void>((resolve) => (this.startQueued = resolve)).then(() => {
      this.queuedDrain = null;
      this.startQueued = null;
      return this.drainSoon();
    });
    return this.queuedDrain;
  }

  private async drainAll(): Promise<Drained> {
    const drained: Drained = { raised: 0, taken: new Map() };
    for (;;) {
      const batch = await this.drainBatch(drained.taken);
      drained.raised += batch.raised;
      if (batch.taken < DRAIN_BATCH) return drained;
    }
  }

  private async drainBatch(taken: Map<string, number>): Promise<{ raised: number; taken: number }> {
    const post = new PostCommit();
    const outcome = await this.dataSource.transaction(async (em) => {
      const due = await lockDueClocks(em, DRAIN_BATCH);
      if (!due.length) return { raised: 0, taken: 0, advanced: [] };
      const now = new Date();
      const owed: RaiseAlert[] = [];
      const advanced: (ClockAdvance & Pick<SlaClock, 'generation' | 'state'>)[] = [];
      for (const r of due) {
        // PostgreSQL already says next_level is due; later levels follow if they are due too.
        const levels = [r.nextLevel, ...dueLevels(r.levels, levelAfter(r.nextLevel), now)];
        for (const level of levels) {
          owed.push({
            caseKind: r.caseKind,
            caseId: r.caseId,
            caseNo: r.caseNo,
            customerId: r.customerId,
            region: r.region,
            clockId: r.id,
            clock: r.clock,
            level,
            dueAt: levelAt(r.levels, level)!,
          });
        }
        const next = levelAfter(levels[levels.length - 1]);
        advanced.push({
          id: r.id,
          generation: r.generation,
          state: 'running',
          nextLevel: next,
          nextAt: next ? levelAt(r.levels, next) : null,
          breachedAt: r.breachedAt ?? (levels.includes('breached') ? now : null),
        });
      }
      const raised = await this.alerts.raiseMany(em, post, owed);
      await this.cases.recordSystemMany(
        em,
        raised.map((a) => ({
          kind: a.caseKind,
          caseId: a.caseId,
          type: `sla.${a.level}`,
          data: { clock: a.clock, alertId: a.id, dueAt: a.dueAt },
        })),
      );
      await advanceClocks(em, advanced);
      post.add(() => this.clocks.armAll(advanced));
      return { raised: raised.length, taken: due.length, advanced };
    });
    for (const a of outcome.advanced) taken.set(a.id, a.generation);
    await post.run();
    return outcome;
  }

  /**
   * Raises whatever is overdue (a lost Redis, a killed worker) and arms the
   * timers of thresholds due before the next two sweeps: both the ones the
   * intake left to it (beyond SlaClocksService.armHorizonSeconds) and any a
   * flushed Redis lost, so a lost timer costs at most one sweep interval of lateness.
   */
  async sweep(): Promise<{ raised: number; rearmed: number }> {
    const raised = await this.drainDue();
    const soon = await runningClocksDueWithin(this.dataSource.manager, this.clocks.armHorizonSeconds);
    await this.clocks.armAll(soon);
    return { raised, rearmed: soon.length };
  }
}
