import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { CasesService } from '../cases/cases.service';
import { PostCommit } from '../common/post-commit';
import { QueueName } from '../queues/queue-names';
import { SlaClock } from './sla-clock.entity';
import { FIRE_JOB, SlaClocksService, fireJobId } from './sla-clocks.service';
import { dueLevels, levelAfter, thresholdAt } from './sla-levels';

// A wake-up this close before a threshold waits for it instead of re-arming.
const EARLY_WAIT_MS = 1000;
const SWEEP_BATCH = 2000;
const SWEEP_PARALLEL = 8;

/**
 * Raises the alerts a clock owes. Called by the timer job and by the sweep;
 * both re-read the clock under a row lock, and the alerts' unique key makes a
 * second raise of the same level a no-op, so any number of workers is safe.
 */
@Injectable()
export class SlaAlertingService {
  private readonly logger = new Logger(SlaAlertingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.sla) private readonly queue: Queue,
    private readonly clocks: SlaClocksService,
    private readonly alerts: AlertsService,
    private readonly cases: CasesService,
  ) {}

  /** Returns how many alerts this call raised. `generation` null: whatever the clock's current one is (sweep). */
  async fire(clockId: string, generation: number | null): Promise<number> {
    for (;;) {
      const post = new PostCommit();
      const outcome = await this.dataSource.transaction(async (em) => {
        const clock = await em.findOne(SlaClock, { where: { id: clockId }, lock: { mode: 'pessimistic_write' } });
        if (!clock || clock.state !== 'running' || (generation !== null && clock.generation !== generation)) return { raised: 0 };
        const now = new Date();
        const levels = dueLevels(clock, clock.nextLevel, now);
        if (!levels.length) {
          const wait = clock.nextAt ? clock.nextAt.getTime() - now.getTime() : Infinity;
          return { raised: 0, waitMs: wait, clock };
        }
        const kase = await this.cases.findIndexed(clock.caseKind, clock.caseId, em);
        if (!kase) throw new Error(`clock ${clock.id} belongs to no indexed case ${clock.caseKind}/${clock.caseId}`);
        let raised = 0;
        for (const level of levels) {
          const alert = await this.alerts.raise(em, post, {
            caseKind: clock.caseKind,
            caseId: clock.caseId,
            caseNo: kase.caseNo,
            customerId: kase.customerId,
            region: kase.region,
            clockId: clock.id,
            clock: clock.clock,
            level,
            dueAt: thresholdAt(clock, level),
          });
          if (!alert) continue;
          raised += 1;
          await this.cases.record(em, clock.caseKind, clock.caseId, `sla.${level}`, null, {
            clock: clock.clock,
            alertId: alert.id,
            dueAt: alert.dueAt,
          });
        }
        const next = levelAfter(levels[levels.length - 1]);
        const changes = {
          nextLevel: next,
          nextAt: next ? thresholdAt(clock, next) : null,
          breachedAt: clock.breachedAt ?? (levels.includes('breached') ? now : null),
        };
        await em.update(SlaClock, { id: clock.id }, changes);
        const updated = { ...clock, ...changes };
        post.add(() => this.clocks.arm(updated));
        return { raised };
      });
      await post.run();
      if (outcome.waitMs === undefined) return outcome.raised;
      // Woken early (timer rounding): wait for the threshold if it is near, else set a new timer.
      if (outcome.waitMs > EARLY_WAIT_MS) {
        const c = outcome.clock!;
        await this.queue.add(FIRE_JOB, { clockId: c.id, generation: c.generation }, {
          jobId: `${fireJobId(c)}-early`,
          delay: outcome.waitMs,
          removeOnComplete: true,
        });
        return 0;
      }
      await sleep(Math.max(1, outcome.waitMs));
    }
  }

  /**
   * The safety net: raises whatever is overdue (a lost Redis, a killed worker)
   * and re-arms timers for thresholds due before the next two sweeps, so a
   * flushed Redis costs at most one sweep interval of lateness.
   */
  async sweep(horizonSeconds: number): Promise<{ raised: number; rearmed: number }> {
    const overdue: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM sla_clocks WHERE state = 'running' AND next_at <= now() ORDER BY next_at LIMIT $1`,
      [SWEEP_BATCH],
    );
    let raised = 0;
    for (let i = 0; i < overdue.length; i += SWEEP_PARALLEL) {
      const batch = overdue.slice(i, i + SWEEP_PARALLEL);
      const counts = await Promise.all(batch.map((c) => this.fire(c.id, null)));
      raised += counts.reduce((a, b) => a + b, 0);
    }
    const soon = await this.dataSource
      .getRepository(SlaClock)
      .createQueryBuilder('c')
      .where(`c.state = 'running' AND c.next_at > now() AND c.next_at <= now() + make_interval(secs => :h)`, { h: horizonSeconds })
      .getMany();
    await this.clocks.armAll(soon);
    if (raised) this.logger.warn(`sweep raised ${raised} overdue alert(s): timers were lost or late`);
    return { raised, rearmed: soon.length };
  }
}
