import { Logger } from '@nestjs/common';

const logger = new Logger('PostCommit');

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
   */
  async run(): Promise<void> {
    const results = await Promise.allSettled(this.tasks.splice(0).map((t) => t()));
    for (const r of results) {
      if (r.status === 'rejected')
        logger.warn(
          { err: r.reason },
          `post-commit work failed; the sweeps will redo it: ${String((r.reason as Error)?.message ?? r.reason)}`,
        );
    }
  }
}
