import { Logger } from '@nestjs/common';

const logger = new Logger('PostCommit');

/** The longest a committed request waits for its post-commit work (queue adds take milliseconds when Redis answers). */
export const POST_COMMIT_WAIT_MS = 2000;

/**
 * Work that must happen only after a transaction commits (adding BullMQ jobs,
 * waking the outbox relay). Engines register it while the transaction runs;
 * the case service runs it after commit. If it fails (Redis unreachable) or
 * the process dies in between, the sweeps rebuild the same work from
 * PostgreSQL, so nothing is lost.
 */
export class PostCommit {
  private readonly tasks: (() => Promise<unknown>)[] = [];

  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }

  /**
   * Runs every task and never throws: the change is committed, so the caller
   * must answer success (a 500 here would make a client retry and create the
   * thing twice). Failures are logged and left to the sweeps.
   *
   * Never waits longer than `waitMs` either: queue connections fail fast while
   * Redis is unreachable (failFastWhileOffline), but a Redis that accepts the
   * connection and never answers would still hold the request. Past the
   * deadline the caller answers; what is still running finishes or fails on its
   * own, and the sweeps redo whatever did not happen.
   */
  async run(waitMs = POST_COMMIT_WAIT_MS): Promise<void> {
    const settled = Promise.allSettled(this.tasks.splice(0).map(async (t) => t())).then((results) => {
      for (const r of results) {
        if (r.status !== 'rejected') continue;
        const err: unknown = r.reason;
        logger.warn({ err }, `post-commit work failed; the sweeps will redo it: ${err instanceof Error ? err.message : String(err)}`);
      }
      return true;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs)));
    const done = await Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
    if (!done)
      logger.warn(`post-commit work still running after ${waitMs} ms (Redis not answering?); answering now, the sweeps will redo it`);
  }
}
