import { ADD_BULK_CHUNK, addAttemptJobs, attemptJob } from './attempt-jobs';

describe('attempt jobs', () => {
  it('is one attempt under its id, never retried by BullMQ, removed when done, never delayed below zero', () => {
    expect(attemptJob('deliver', { id: 'd1', attempt: 2 }, 'd1-a2', 1234.6)).toEqual({
      name: 'deliver',
      data: { id: 'd1', attempt: 2 },
      opts: { jobId: 'd1-a2', delay: 1235, attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    expect(attemptJob('deliver', {}, 'x', -50).opts.delay).toBe(0);
    expect(attemptJob('deliver', {}, 'x').opts.delay).toBe(0);
  });

  it('adds in chunks, in order, and not at all when there is nothing', async () => {
    const calls: string[][] = [];
    const queue = { addBulk: (jobs: { opts: { jobId?: string } }[]) => (calls.push(jobs.map((j) => j.opts.jobId!)), Promise.resolve([])) };
    const jobs = Array.from({ length: ADD_BULK_CHUNK * 2 + 1 }, (_, i) => attemptJob('deliver', {}, `j${i}`));
    await addAttemptJobs(queue as never, jobs);
    expect(calls.map((c) => c.length)).toEqual([ADD_BULK_CHUNK, ADD_BULK_CHUNK, 1]);
    expect(calls.flat()).toEqual(jobs.map((j) => j.opts.jobId));
    calls.length = 0;
    await addAttemptJobs(queue as never, []);
    expect(calls).toEqual([]);
  });
});
