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

/**
 * Raises the alerts clocks owe. Every wake-up (a clock's timer, the sweep)
 * drains ALL clocks whose next threshold has passed, in set-based batches:
 * rows locked FOR UPDATE SKIP LOCKED, so concurrent workers split the work
 * instead of queueing on it, and one statement per table per batch, so a
 * burst of thousands of breaches costs a handful of transactions. The
 * alerts' unique key makes a second raise of a level a no-op, whatever races.
 */
@Injectable()
export class SlaAlertingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly clocks: SlaClocksService,
    private readonly alerts: AlertsService,
    private readonly cases: CasesService,
  ) {}

  /** A clock's timer fired: drain what is due, then make sure this clock's own threshold is not left behind. */
  async fire(job: FireJobData): Promise<number> {
    let raised = await this.drainDue();
    const c = await clockTimer(this.dataSource, job.clockId);
    const early = c && c.state === 'running' && c.generation === job.generation && c.nextAt && c.nextLevel === job.level;
    const waitMs = early ? c.nextAt!.getTime() - Date.now() : 0;
    if (waitMs > 0 && waitMs <= EARLY_WAIT_MS) {
      await sleep(waitMs);
      raised += await this.drainDue();
    } else if (waitMs > EARLY_WAIT_MS) {
      // Woken early (timer rounding, a stale duplicate): set a new timer for the real time.
      const clock = { id: job.clockId, generation: c!.generation, nextLevel: c!.nextLevel };
      await this.queue.add(FIRE_JOB, { ...job }, { jobId: `${fireJobId(clock)}-early`, delay: waitMs, removeOnComplete: true });
    }
    return raised;
  }

  /** Raises every due threshold, batch after batch, until none is left. Returns how many alerts were raised. */
  async drainDue(): Promise<number> {
    let raised = 0;
    for (;;) {
      const batch = await this.drainBatch();
      raised += batch.raised;
      if (batch.taken < DRAIN_BATCH) return raised;
    }
  }

  private async drainBatch(): Promise<{ raised: number; taken: number }> {
    const post = new PostCommit();
    const outcome = await this.dataSource.transaction(async (em) => {
      const due = await lockDueClocks(em, DRAIN_BATCH);
      if (!due.length) return { raised: 0, taken: 0 };
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
      return { raised: raised.length, taken: due.length };
    });
    await post.run();
    return outcome;
  }

  /**
   * The safety net: raises whatever is overdue (a lost Redis, a killed worker)
   * and re-arms timers for thresholds due before the next two sweeps, so a
   * flushed Redis costs at most one sweep interval of lateness.
   */
  async sweep(horizonSeconds: number): Promise<{ raised: number; rearmed: number }> {
    const raised = await this.drainDue();
    const soon = await runningClocksDueWithin(this.dataSource.manager, horizonSeconds);
    await this.clocks.armAll(soon);
    return { raised, rearmed: soon.length };
  }
}
