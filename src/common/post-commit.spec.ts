import { PostCommit } from './post-commit';

describe('PostCommit', () => {
  it('runs every task after a failure and resolves: the committed change stands', async () => {
    const post = new PostCommit();
    const ran: string[] = [];
    post.add(async () => ran.push('a'));
    post.add(async () => {
      throw new Error('redis unreachable');
    });
    post.add(async () => ran.push('c'));
    await expect(post.run()).resolves.toBeUndefined();
    expect(ran).toEqual(['a', 'c']);
  });

  it('runs each task once', async () => {
    const post = new PostCommit();
    let n = 0;
    post.add(async () => n++);
    await post.run();
    await post.run();
    expect(n).toBe(1);
  });

  it('answers after the deadline when a task never settles (a Redis that accepts and never answers)', async () => {
    const post = new PostCommit();
    const ran: string[] = [];
    post.add(() => new Promise(() => undefined));
    post.add(async () => ran.push('quick'));
    const started = Date.now();
    await expect(post.run(50)).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ran).toEqual(['quick']);
  });

  it('resolves even when a task throws before returning a promise', async () => {
    const post = new PostCommit();
    post.add(() => {
      throw new Error('thrown synchronously');
    });
    await expect(post.run()).resolves.toBeUndefined();
  });
});
