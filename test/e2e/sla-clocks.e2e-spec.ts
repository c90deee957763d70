import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { PostCommit } from '../../src/common/post-commit';
import { sql } from '../../src/common/sql';
import { WriteBatch } from '../../src/common/write-batch';
import { CalendarsService } from '../../src/calendars/calendars.service';
import { addWorkingTime } from '../../src/calendars/working-time';
import { SlaClocksService } from '../../src/sla/sla-clocks.service';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

/** Opening many cases' clocks inside an intake's batch (openManyIn), against the real PostgreSQL. */
describe('SLA clocks in a batch', () => {
  let t: TestApp;
  let db: DataSource;
  let sla: SlaClocksService;
  let calendars: CalendarsService;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
    sla = t.app.get(SlaClocksService);
    calendars = t.app.get(CalendarsService);
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
    // order:P2 counts on `workday`: its floor is 30 working days of it, longer than the policy's 7.
    const specs = [
      { kind: 'order', caseId: order, policyKey: 'order:P2', resolutionFloor: { workingDays: 30, until: null } },
      { kind: 'work_order', caseId: workOrder, policyKey: 'order:P2' },
    ];
    const batch = new WriteBatch();
    const opened = sla.openManyIn(batch, new PostCommit(), specs, at);
    await batch.run(db.manager);

    const workday = calendars.compiled('workday');
    const byCase = opened.value;
    expect([...byCase.keys()].sort()).toEqual([order, workOrder].sort());
    for (const clocks of byCase.values()) expect(clocks.map((c) => c.clock)).toEqual(['resolution', 'response']);
    const [resolution, response] = byCase.get(order)!;
    expect(resolution.calendarKey).toBe('workday');
    expect(resolution.targetSeconds).toBe(30 * 9 * 3600);
    expect(resolution.dueAt).toEqual(addWorkingTime(workday, at, 30 * 9 * 3600 * 1000));
    expect(response.dueAt).toEqual(addWorkingTime(workday, at, 2 * 3600 * 1000));
    expect(byCase.get(workOrder)![0].targetSeconds).toBe(7 * 9 * 3600);

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
    expect(direct.get(again[0].caseId)![0].targetSeconds).toBe(30 * 9 * 3600);
  });

  it('commits to the date asked for when it is later than the lead time, counted in working time', async () => {
    // Monday 2026-12-07 10:00 Beijing; asked for Friday 2026-12-18 end of day: the due time is that day's end of work.
    const at = new Date('2026-12-07T10:00:00+08:00');
    /** One order's resolution clock, opened at `from` under order:P2 with this floor. */
    const resolutionOf = async (from: Date, resolutionFloor: { workingDays: number; until: Date | null }, around24x7 = false) => {
      const id = randomUUID();
      const byCase = await db.transaction((em) =>
        sla.openMany(em, new PostCommit(), [{ kind: 'order', caseId: id, policyKey: 'order:P2', around24x7, resolutionFloor }], from),
      );
      return byCase.get(id)![0];
    };
    const resolution = await resolutionOf(at, { workingDays: 1, until: new Date('2026-12-18T23:59:59.999+08:00') });
    expect(resolution.dueAt).toEqual(new Date('2026-12-18T18:00:00+08:00'));
    // Asked for a Saturday, from an instant with a fraction of a second: Friday's end of work (to the second), not Monday 09:00.
    const saturday = await resolutionOf(new Date('2026-12-07T10:00:00.638+08:00'), {
      workingDays: 1,
      until: new Date('2026-12-19T12:00:00+08:00'),
    });
    const friday = new Date('2026-12-18T18:00:00+08:00').getTime();
    expect(saturday.dueAt.getTime()).toBeLessThanOrEqual(friday);
    expect(saturday.dueAt.getTime()).toBeGreaterThan(friday - 1000);
    // A green-channel order counts the same lead time in calendar days.
    const green = await resolutionOf(at, { workingDays: 10, until: null }, true);
    expect(green.calendarKey).toBe('24x7');
    expect(green.dueAt).toEqual(new Date('2026-12-17T10:00:00+08:00'));
  });

  it('refuses a case whose policy is missing before anything is written, so no case exists without its clocks', async () => {
    const good = randomUUID();
    const bad = randomUUID();
    const batch = new WriteBatch();
    batch.add(sql`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('order', ${good}, 'created', '{}')`);
    expect(() =>
      sla.openManyIn(
        batch,
        new PostCommit(),
        [
          { kind: 'order', caseId: good, policyKey: 'order:P1' },
          { kind: 'order', caseId: bad, policyKey: 'order:P9' }, // there is no order:P9
        ],
        new Date(),
      ),
    ).toThrow(/No SLA policy order:P9/);
    expect(await stored([good, bad])).toHaveLength(0);
  });
});
