import { RenderMemo, ReportMemo } from './report-memo';

describe('ReportMemo', () => {
  it('computes once per key and signature, shares a computation in flight, and recomputes when the signature moves', async () => {
    const memo = new ReportMemo<{ n: number }>(10);
    let calls = 0;
    const compute = () => Promise.resolve({ n: ++calls });
    const [a, b] = await Promise.all([memo.get('k', 's1', compute), memo.get('k', 's1', compute)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect((await memo.get('k', 's2', compute)).n).toBe(2);
    expect((await memo.get('other', 's2', compute)).n).toBe(3);
  });

  it('keeps no failure, and forgets the least recently used beyond its capacity', async () => {
    const memo = new ReportMemo<{ n: number }>(2);
    await expect(memo.get('k', 's', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect((await memo.get('k', 's', () => Promise.resolve({ n: 1 }))).n).toBe(1);
    await memo.get('a', 's', () => Promise.resolve({ n: 2 }));
    await memo.get('k', 's', () => Promise.resolve({ n: 99 })); // a hit: k becomes the most recent
    await memo.get('b', 's', () => Promise.resolve({ n: 3 })); // evicts a
    expect((await memo.get('k', 's', () => Promise.resolve({ n: 100 }))).n).toBe(1);
    expect((await memo.get('a', 's', () => Promise.resolve({ n: 4 }))).n).toBe(4);
  });
});

describe('RenderMemo', () => {
  it('renders a view once per format', async () => {
    const memo = new RenderMemo<object>();
    const view = {};
    let calls = 0;
    const render = () => Promise.resolve(`page ${++calls}`);
    expect(await memo.get(view, 'html', render)).toBe('page 1');
    expect(await memo.get(view, 'html', render)).toBe('page 1');
    expect(await memo.get(view, 'xlsx', render)).toBe('page 2');
    expect(await memo.get({}, 'html', render)).toBe('page 3');
  });
});
