import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PostCommit } from '../../src/common/post-commit';
import { sql } from '../../src/common/sql';
import { WriteBatch } from '../../src/common/write-batch';
import { SlaClocksService } from '../../src/sla/sla-clocks.service';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

/** Opening many cases' clocks inside an intake's batch (openManyIn), against the real PostgreSQL. */
describe('SLA clocks in a batch', () => {
  let t: TestApp;
  let db: DataSource;
  let sla: SlaClocksService;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    sla = t.app.get(SlaClocksService);
  });
  afterAll(() => t.close());

  const stored = (caseIds: string[]) =>
    db.query<{ case_id: string; clock: string; policy_key: string; target_seconds: number; due_at: Date; next_at: Date }[]>(
      `SELECT case_id, clock, policy_key, target_seconds, started_at, due_at, next_level, next_at FROM sla_clocks
        WHERE case_id = ANY($1::uuid[]) ORDER BY case_id, clock`,
      [caseIds],
    );

  it('opens the clocks of several cases in the batch, as openMany does in a statement of its own', async () => {
    const at = new Date(Date.now() + 3_600_000);
    const order = randomUUID();
    const workOrder = randomUUID();
    const floor = 30 * 24 * 3600; // longer than order:P2's resolution target
    const specs = [
      { kind: 'order', caseId: order, policyKey: 'order:P2', minResolutionSeconds: floor },
      { kind: 'work_order', caseId: workOrder, policyKey: 'order:P2' },
    ];
    const batch = new WriteBatch();
    const opened = sla.openManyIn(batch, new PostCommit(), specs, at);
    await batch.run(db.manager);

    const byCase = opened.value;
    expect([...byCase.keys()].sort()).toEqual([order, workOrder].sort());
    for (const clocks of byCase.values()) expect(clocks.map((c) => c.clock)).toEqual(['resolution', 'response']);
    const [resolution, response] = byCase.get(order)!;
    expect(resolution.targetSeconds).toBe(floor);
    expect(resolution.dueAt.getTime()).toBe(at.getTime() + floor * 1000);
    expect(response.dueAt.getTime()).toBe(at.getTime() + 2 * 3600 * 1000);
    expect(byCase.get(workOrder)![0].targetSeconds).toBe(7 * 24 * 3600);

    // What the engine holds is what PostgreSQL stored, and the same as openMany writes.
    const viaBatch = await stored([order, workOrder]);
    expect(viaBatch).toHaveLength(4);
    for (const row of viaBatch) {
      const held = byCase.get(row.case_id)!.find((c) => c.clock === row.clock)!;
      expect(row.target_seconds).toBe(held.targetSeconds);
      expect(row.due_at.getTime()).toBe(held.dueAt.getTime());
      expect(row.next_at.getTime()).toBe(held.nextAt!.getTime());
    }
    const again = specs.map((s) => ({ ...s, caseId: randomUUID() }));
    const direct = await db.transaction((em) => sla.openMany(em, new PostCommit(), again, at));
    const viaStatement = await stored(again.map((s) => s.caseId));
    const shape = (rows: typeof viaBatch, ids: string[]) =>
      rows.map((r) => ({ ...r, case_id: ids.indexOf(r.case_id), due_at: r.due_at.getTime(), next_at: r.next_at.getTime() }));
    expect(
      shape(
        viaStatement,
        again.map((s) => s.caseId),
      ).sort((a, b) => a.case_id - b.case_id || a.clock.localeCompare(b.clock)),
    ).toEqual(shape(viaBatch, [order, workOrder]).sort((a, b) => a.case_id - b.case_id || a.clock.localeCompare(b.clock)));
    expect(direct.get(again[0].caseId)![0].targetSeconds).toBe(floor);
  });

  it('fails the whole batch when one case’s policy is missing, so no case is written without its clocks', async () => {
    const good = randomUUID();
    const bad = randomUUID();
    const batch = new WriteBatch();
    batch.add(sql`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('order', ${good}, 'created', '{}')`);
    const opened = sla.openManyIn(
      batch,
      new PostCommit(),
      [
        { kind: 'order', caseId: good, policyKey: 'order:P1' },
        { kind: 'order', caseId: bad, policyKey: 'order:P9' }, // there is no order:P9
      ],
      new Date(),
    );
    await expect(batch.run(db.manager)).rejects.toThrow(/policy_key/);
    expect(() => opened.value).toThrow(/policy_key/);
    expect(await stored([good, bad])).toHaveLength(0);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM case_timeline WHERE case_id = $1`, [good]);
    expect(n).toBe(0);
  });
});
