/**
 * Coalesces concurrent calls into set-based ones. While one batch is being
 * flushed, calls queue up; when it is done, everything queued goes in the
 * next batch (at most `max`). An idle batcher flushes a lone call at once, so
 * it adds no delay; under load, N concurrent calls cost one round of
 * statements instead of N. Each caller gets its own result, or the batch's
 * error.
 */
export class MicroBatcher<T, R> {
  private queued: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private flushing = false;

  constructor(
    private readonly flush: (items: T[]) => Promise<R[]>,
    private readonly max = 200,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.flushing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queued.length) {
        const batch = this.queued.splice(0, this.max);
        try {
          const results = await this.flush(batch.map((b) => b.item));
          batch.forEach((b, i) => b.resolve(results[i]));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
