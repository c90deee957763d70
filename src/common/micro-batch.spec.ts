import { MicroBatcher } from './micro-batch';

describe('MicroBatcher', () => {
  it('flushes a lone call at once and coalesces the calls that arrive meanwhile', async () => {
    const batches: number[][] = [];
    const b = new MicroBatcher(async (xs: number[]) => {
      batches.push(xs);
      await new Promise((r) => setTimeout(r, 10));
      return xs.map((x) => x * 2);
    });
    const first = b.submit(1);
    const rest = [2, 3, 4].map((x) => b.submit(x));
    expect(await first).toBe(2);
    expect(await Promise.all(rest)).toEqual([4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('caps a batch and rejects every caller of a failed batch, then goes on', async () => {
    const batches: number[][] = [];
    let fail = true;
    const b = new MicroBatcher(async (xs: number[]) => {
      batches.push(xs);
      if (fail) {
        fail = false;
        throw new Error('database down');
      }
      return xs;
    }, 2);
    const calls = [1, 2, 3, 4].map((x) => b.submit(x).catch((e: Error) => e.message));
    expect(await Promise.all(calls)).toEqual(['database down', 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3], [4]]);
  });
});
