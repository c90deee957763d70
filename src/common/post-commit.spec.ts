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
});
