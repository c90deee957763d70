import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { QueueName } from '../../src/queues/queue-names';
import { SlaAlertingService } from '../../src/sla/sla-alerting.service';
import type { FireJobData } from '../../src/sla/sla-clocks.service';
import { FIRE_JOB } from '../../src/sla/sla-clocks.service';
import type { ClockName } from '../../src/sla/sla-levels.port';
import type { TestApp } from './test-app';
import { waitFor } from './wait';

export type Query = <T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Where a test watches an app's SLA engine: its database, its `sla` queue, and (in-process apps only) its own drain. */
export interface SlaWatch {
  query: Query;
  queue: Queue;
  /** Raises what is due right now through the app's SlaAlertingService (the sweep would, within a sweep interval). */
  drain?: () => Promise<unknown>;
}

/** The SLA engine of an app running in this process. */
export const slaWatch = (t: TestApp): SlaWatch => ({
  query: (sql, params) => t.dataSource.query(sql, params),
  queue: t.app.get<Queue>(getQueueToken(QueueName.sla)),
  drain: () => t.app.get(SlaAlertingService).drainDue(),
});

/** Timer jobs of `clockIds` that are due by now and not over: waiting, running, or delayed past their time. */
export async function dueTimers(queue: Queue, clockIds: Set<string>): Promise<Job<FireJobData>[]> {
  const now = Date.now();
  const [delayed, ready] = await Promise.all([
    queue.getJobs(['delayed']) as Promise<Job<FireJobData>[]>,
    queue.getJobs(['waiting', 'prioritized', 'active']) as Promise<Job<FireJobData>[]>,
  ]);
  const ours = (j: Job<FireJobData> | undefined): j is Job<FireJobData> => !!j && j.name === FIRE_JOB && clockIds.has(j.data.clockId);
  return [...delayed.filter((j) => ours(j) && j.timestamp + (j.delay ?? 0) <= now), ...ready.filter(ours)];
}

/**
 * Waits until the SLA engine has done everything `caseIds` were owed up to
 * now (and, with `past`, until PostgreSQL's clock is past that time): no
 * clock of theirs is running with a threshold at or before now() (a drain
 * moves next_at on in the transaction that raises the alerts, so a clock still
 * due means alerts not yet committed), and no timer job of theirs that is due
 * is still waiting or running (each is removed when done). An alert they were
 * owed by then exists afterwards, so a test can then show that one that must
 * NOT be raised is absent, without guessing how long the engine needs.
 */
export async function waitForSlaSettled(
  w: SlaWatch,
  caseIds: string[],
  opts: {
    past?: Date | string;
    timeoutMs?: number;
    /** Timer jobs not to wait for: those a killed worker left active, which BullMQ hands on only after its stall check. */
    ignoreJobIds?: Set<string>;
  } = {},
): Promise<void> {
  const past = opts.past === undefined ? undefined : new Date(opts.past);
  const timeoutMs = opts.timeoutMs ?? Math.max(0, (past?.getTime() ?? 0) - Date.now()) + 15_000;
  let waitingOn = 'PostgreSQL clock';
  await waitFor(
    async () => {
      if (past && !(await w.query<{ passed: boolean }>(`SELECT now() >= $1::timestamptz AS passed`, [past]))[0].passed) return false;
      await w.drain?.();
      const clocks = await w.query<{ id: string; due: boolean }>(
        `SELECT id, (state = 'running' AND next_at <= now()) AS due FROM sla_clocks WHERE case_id = ANY($1::uuid[])`,
        [caseIds],
      );
      const due = clocks.filter((c) => c.due).map((c) => c.id);
      const timers = due.length ? [] : await dueTimers(w.queue, new Set(clocks.map((c) => c.id)));
      const left = timers.filter((j) => !opts.ignoreJobIds?.has(j.id!)).map((j) => j.id);
      waitingOn = due.length ? `clocks still due: ${due.join(', ')}` : `timer jobs not done: ${left.join(', ')}`;
      return !due.length && !left.length;
    },
    timeoutMs,
    `the SLA engine to settle for ${caseIds.length} case(s)${past ? ` past ${past.toISOString()}` : ''}`,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (${waitingOn})`);
  });
}

/**
 * Waits until a case's clock has run for `seconds` by PostgreSQL's clock: for
 * a test that needs an SLA target (seconds long) to have passed for real.
 */
export async function waitForClockRun(w: SlaWatch, caseId: string, clock: ClockName, seconds: number): Promise<void> {
  await waitFor(
    async () =>
      (
        await w.query<{ passed: boolean }>(
          `SELECT now() >= started_at + make_interval(secs => paused_ms / 1000.0 + $3) AS passed FROM sla_clocks WHERE case_id = $1 AND clock = $2`,
          [caseId, clock, seconds],
        )
      )[0]?.passed,
    seconds * 1000 + 15_000,
    `the ${clock} clock of ${caseId} to run ${seconds} s`,
  );
}
