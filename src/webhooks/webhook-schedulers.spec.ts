import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { DELIVERY_SWEEP, EVENT_PURGE, RELAY_POLL, WebhookSchedulers } from './webhook-schedulers';

/** A queue that only knows job schedulers, as a map id → {every, next}. */
function fakeQueue(initial: Record<string, { every: number; next: number }> = {}) {
  const schedulers = new Map(Object.entries(initial));
  const upserts: { id: string; every: number }[] = [];
  const queue = {
    getJobScheduler: async (id: string) => (schedulers.has(id) ? { key: id, name: id, ...schedulers.get(id)! } : undefined),
    upsertJobScheduler: async (id: string, repeat: { every: number }) => {
      upserts.push({ id, every: repeat.every });
      schedulers.set(id, { every: repeat.every, next: Date.now() + repeat.every });
      return {};
    },
  };
  return { queue: queue as unknown as Queue, schedulers, upserts };
}

const config = (pollMs: number) => AppConfig.load({ NODE_ENV: 'test', OUTBOX_POLL_MS: String(pollMs) });

describe('WebhookSchedulers', () => {
  it('derives the periods from OUTBOX_POLL_MS: poll as set, sweep and check 5 polls within bounds', () => {
    const s = new WebhookSchedulers(fakeQueue().queue, config(1000));
    expect(s.schedules).toEqual([
      { id: RELAY_POLL, every: 1000 },
      { id: DELIVERY_SWEEP, every: 5000 },
      { id: EVENT_PURGE, every: 3_600_000 },
    ]);
    expect(s.checkEveryMs).toBe(5000);
    const fast = new WebhookSchedulers(fakeQueue().queue, config(200));
    expect(fast.schedules[1].every).toBe(1000);
    expect(fast.checkEveryMs).toBe(1000);
    const slow = new WebhookSchedulers(fakeQueue().queue, config(60_000));
    expect(slow.schedules[1].every).toBe(5000);
    expect(slow.checkEveryMs).toBe(30_000);
  });

  it('upserts all at boot (force), whatever is there', async () => {
    const { queue, upserts } = fakeQueue();
    expect(await new WebhookSchedulers(queue, config(1000)).ensure(true)).toEqual([RELAY_POLL, DELIVERY_SWEEP, EVENT_PURGE]);
    expect(upserts).toEqual([
      { id: RELAY_POLL, every: 1000 },
      { id: DELIVERY_SWEEP, every: 5000 },
      { id: EVENT_PURGE, every: 3_600_000 },
    ]);
  });

  it('leaves healthy schedulers alone on the timer', async () => {
    const now = Date.now();
    const { queue, upserts } = fakeQueue({
      [RELAY_POLL]: { every: 1000, next: now + 500 },
      [DELIVERY_SWEEP]: { every: 5000, next: now - 2000 },
      [EVENT_PURGE]: { every: 3_600_000, next: now + 60_000 },
    });
    expect(await new WebhookSchedulers(queue, config(1000)).ensure()).toEqual([]);
    expect(upserts).toEqual([]);
  });

  it('re-creates a scheduler that vanished (Redis flushed), has another period, or stalled', async () => {
    const now = Date.now();
    const flushed = fakeQueue();
    expect(await new WebhookSchedulers(flushed.queue, config(1000)).ensure()).toEqual([RELAY_POLL, DELIVERY_SWEEP, EVENT_PURGE]);

    const purge = { [EVENT_PURGE]: { every: 3_600_000, next: now + 60_000 } };
    const changed = fakeQueue({ [RELAY_POLL]: { every: 250, next: now + 100 }, [DELIVERY_SWEEP]: { every: 5000, next: now }, ...purge });
    expect(await new WebhookSchedulers(changed.queue, config(1000)).ensure()).toEqual([RELAY_POLL]);

    // The worker that should have scheduled the next run died: `next` stays in the past.
    const stalled = fakeQueue({
      [RELAY_POLL]: { every: 1000, next: now - 60_000 },
      [DELIVERY_SWEEP]: { every: 5000, next: now },
      ...purge,
    });
    expect(await new WebhookSchedulers(stalled.queue, config(1000)).ensure()).toEqual([RELAY_POLL]);
  });

  it('survives Redis being unreachable, and tries again next time', async () => {
    const queue = { getJobScheduler: async () => Promise.reject(new Error('ECONNREFUSED')) } as unknown as Queue;
    const s = new WebhookSchedulers(queue, config(1000));
    await expect(s.ensure()).resolves.toEqual([]);
    await expect(s.ensure()).resolves.toEqual([]);
  });
});
