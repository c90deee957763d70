/**
 * Work that must happen only after a transaction commits (adding BullMQ jobs,
 * waking the outbox relay). Engines register it while the transaction runs;
 * the case service runs it after commit. If the process dies in between, the
 * sweeps rebuild the same work from PostgreSQL, so nothing is lost.
 */
export class PostCommit {
  private readonly tasks: (() => Promise<unknown>)[] = [];

  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }

  /** Runs every task; a failure is logged by the caller and left to the sweeps. */
  async run(): Promise<void> {
    const results = await Promise.allSettled(this.tasks.splice(0).map((t) => t()));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
  }
}
