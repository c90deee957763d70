import { randomUUID } from 'node:crypto';
import { EscalationService } from '../../src/escalations/escalation.service';
import type { RecipientQuery } from '../../src/escalations/escalation-rules.port';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

/** Issue 13, point 2: escalation policies per region, and whom each alert level reaches. */
describe('escalation policies', () => {
  let t: TestApp;
  let gdDirector: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    gdDirector = await t.staff(['director'], ['440000']);
  });
  afterAll(() => t?.close());

  const DEFAULT = {
    warning: ['assignee'],
    breached: ['assignee', 'on_duty:duty_manager', 'account_manager'],
    escalated_2: ['region_director'],
    escalated_3: ['province_director'],
  };
  const get = (region: string, who: { token: string } = gdDirector) =>
    t.http().get(`/api/v1/escalation-policies/${region}`).set(bearer(who));
  const put = (region: string, body: Record<string, unknown>, who: { token: string } = t.admin) =>
    t.http().put(`/api/v1/escalation-policies/${region}`).set(bearer(who)).send(body);
  /** The fields named, each once (a value may break several rules of one field). */
  const fields = (res: { body: { errors?: { field: string }[] } }) => [...new Set((res.body.errors ?? []).map((e) => e.field))];

  describe('the policy in force', () => {
    it('is the seeded national default, inherited by every region', async () => {
      expect((await get('CN').expect(200)).body).toMatchObject({ region: 'CN', inheritedFrom: null, version: 1, levels: DEFAULT });
      expect((await get('440605').expect(200)).body).toMatchObject({ region: '440605', inheritedFrom: 'CN', version: 0, levels: DEFAULT });
      const engineer = await t.staff(['engineer'], ['440605']);
      await get('440605', engineer).expect(200); // any staff member reads it
      await get('449999').expect(404);
      expect(fields(await get('Foshan').expect(400))).toEqual(['region']);
    });

    it('is edited by admins only, with the version read (0 while inheriting), and inherited by the regions below; removing it inherits again', async () => {
      const levels = { ...DEFAULT, escalated_2: ['region_director', 'account_manager'] };
      expect((await put('440600', { levels, expectedVersion: 0 }, gdDirector).expect(403)).body.code).toBe('FORBIDDEN');
      const created = await put('440600', { levels, expectedVersion: 0 }).expect(200);
      expect(created.body).toMatchObject({ region: '440600', inheritedFrom: null, version: 1, levels, updatedBy: t.admin.id });
      expect((await get('440605').expect(200)).body).toMatchObject({ inheritedFrom: '440600', version: 0, levels });
      expect((await get('440000').expect(200)).body).toMatchObject({ inheritedFrom: 'CN', levels: DEFAULT });

      // A stale version (here: one read while it inherited) is 409 with the current one.
      const stale = await put('440600', { levels: DEFAULT, expectedVersion: 0 }).expect(409);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 1 });
      const edited = await put('440600', { levels: { ...levels, warning: [] }, expectedVersion: 1 }).expect(200);
      expect(edited.body).toMatchObject({ version: 2, levels: { warning: [] } });

      // Two admins editing from the same version: one wins, the other is told.
      const results = await Promise.all([
        put('440600', { levels: DEFAULT, expectedVersion: 2 }),
        put('440600', { levels: { ...DEFAULT, warning: ['account_manager'] }, expectedVersion: 2 }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await get('440600').expect(200)).body.version).toBe(3);
      // Two first edits of one inheriting region at once: one creates it.
      const firsts = await Promise.all([
        put('440700', { levels, expectedVersion: 0 }),
        put('440700', { levels: DEFAULT, expectedVersion: 0 }),
      ]);
      expect(firsts.map((r) => r.status).sort()).toEqual([200, 409]);

      await t.http().delete('/api/v1/escalation-policies/440600').set(bearer(gdDirector)).expect(403);
      await t.http().delete('/api/v1/escalation-policies/440600').set(bearer(t.admin)).expect(204);
      expect((await get('440605').expect(200)).body).toMatchObject({ inheritedFrom: 'CN', levels: DEFAULT });
      expect((await t.http().delete('/api/v1/escalation-policies/440600').set(bearer(t.admin)).expect(404)).body.code).toBe(
        'ESCALATION_POLICY_NOT_FOUND',
      );
      expect((await t.http().delete('/api/v1/escalation-policies/CN').set(bearer(t.admin)).expect(409)).body.code).toBe(
        'ESCALATION_ROOT_REQUIRED',
      );

      const audit = await t.dataSource.query<{ action: string; regions: string[] }[]>(
        `SELECT action, regions FROM audit_log WHERE entity = 'escalation_policy' AND entity_id = '440600' ORDER BY id`,
      );
      expect(audit.map((a) => a.action)).toEqual([
        'escalation_policy.created',
        'escalation_policy.updated',
        'escalation_policy.updated',
        'escalation_policy.deleted',
      ]);
      expect(audit[0].regions).toEqual(['440600']);
    });

    it('refuses bad rules with 400 naming the field', async () => {
      const refused = async (levels: Record<string, unknown>, expectedVersion: unknown = 1) =>
        fields(await put('CN', { levels, expectedVersion }).expect(400));
      expect(await refused({ ...DEFAULT, breached: ['assignee', 'the_boss'] })).toEqual(['levels.breached']);
      expect(await refused({ ...DEFAULT, warning: ['on_duty:janitor'] })).toEqual(['levels.warning']);
      expect(await refused({ ...DEFAULT, warning: ['assignee', 'assignee'] })).toEqual(['levels.warning']);
      expect(await refused({ ...DEFAULT, warning: 'assignee' })).toEqual(['levels.warning']);
      const { escalated_3: _dropped, ...missing } = DEFAULT;
      expect(await refused(missing)).toEqual(['levels.escalated_3']);
      expect(await refused({ ...DEFAULT, escalated_4: [] })).toEqual(['levels.escalated_4']);
      expect(await refused(DEFAULT, -1)).toEqual(['expectedVersion']);
      const nobody = randomUUID();
      expect(await refused({ ...DEFAULT, escalated_3: ['province_director', `staff:${nobody}`] })).toEqual(['levels.escalated_3[1]']);
      // (Beijing directors: this suite's Guangdong directors are counted by the recipient tests below.)
      const gone = await t.staff(['director'], ['110000']);
      await t.http().post(`/api/v1/staff/${gone.id}/deactivate`).set(bearer(t.admin)).expect(200);
      expect(await refused({ ...DEFAULT, warning: [`staff:${gone.id}`] })).toEqual(['levels.warning[0]']);
      // A rule typed in upper case is the same rule: a repeat.
      const named = await t.staff(['director'], ['110000']);
      expect(await refused({ ...DEFAULT, warning: [`staff:${named.id}`, `staff:${named.id.toUpperCase()}`] })).toEqual([
        'levels.warning[1]',
      ]);
      expect((await get('CN').expect(200)).body).toMatchObject({ version: 1, levels: DEFAULT });
    });
  });

  describe('recipientsFor', () => {
    /** A staff member with every contact field, through the API. */
    const person = async (roles: string[], regions: string[]) => {
      const n = unique();
      const res = await t
        .http()
        .post('/api/v1/staff')
        .set(bearer(t.admin))
        .send({
          username: `p.${n}`,
          password: 'a-long-password-13',
          displayName: `值班 ${n}`,
          roles,
          regions,
          workPhone: '0756-2228888',
          email: `p.${n}@example.cn`,
          wecomUserId: `wc.${n}`,
          dingtalkUserId: `dt.${n}`,
        })
        .expect(201);
      return res.body as { id: string; displayName: string; email: string; wecomUserId: string; dingtalkUserId: string };
    };
    const HOUR = 3_600_000;
    const recipients = (q: Partial<RecipientQuery>) =>
      t.app.get(EscalationService).recipientsFor(t.dataSource.manager, {
        level: 'warning',
        caseKind: 'fault',
        caseId: randomUUID(),
        region: '440402',
        customerId: null,
        assigneeId: null,
        accountManagerId: null,
        at: new Date(),
        ...q,
      });

    it('resolves each level of the default policy to people with their contacts, once each, active ones only', async () => {
      // Zhuhai (440400), district Xiangzhou (440402): its own directors, a duty manager on the city's roster, the province's director.
      const engineer = await person(['engineer'], ['440402']);
      const manager = await person(['account_manager'], ['440400']);
      const dutyManager = await person(['agent'], ['440400']);
      const cityDirector = await person(['director'], ['440400']);
      const provinceDirector = await person(['director'], ['440000']);
      await t
        .http()
        .post('/api/v1/rosters/shifts')
        .set(bearer(t.admin))
        .send({
          region: '440400',
          dutyRole: 'duty_manager',
          staffId: dutyManager.id,
          from: new Date(Date.now() - HOUR).toISOString(),
          to: new Date(Date.now() + 8 * HOUR).toISOString(),
        })
        .expect(201);
      const the = { assigneeId: engineer.id, accountManagerId: manager.id };

      expect(await recipients({ ...the, level: 'warning' })).toEqual([
        {
          staffId: engineer.id,
          displayName: engineer.displayName,
          reason: 'assignee',
          workPhone: '0756-2228888',
          email: engineer.email,
          wecomUserId: engineer.wecomUserId,
          dingtalkUserId: engineer.dingtalkUserId,
        },
      ]);
      const breached = await recipients({ ...the, level: 'breached' });
      expect(breached.map((r) => [r.staffId, r.reason])).toEqual([
        [engineer.id, 'assignee'],
        [dutyManager.id, 'on_duty:duty_manager'],
        [manager.id, 'account_manager'],
      ]);
      // The region's director is the nearest one (the city's, since the district has none), not the province's.
      expect((await recipients({ ...the, level: 'escalated_2' })).map((r) => [r.staffId, r.reason])).toEqual([
        [cityDirector.id, 'region_director'],
      ]);
      // The province's director(s): gdDirector of this suite and the one made here.
      const level3 = await recipients({ ...the, level: 'escalated_3' });
      expect(level3.map((r) => r.reason)).toEqual(['province_director', 'province_director']);
      expect(level3.map((r) => r.staffId).sort()).toEqual([provinceDirector.id, gdDirector.id].sort());

      // Nobody on the roster later tonight, no assignee yet: the breach reaches the account manager alone.
      expect(
        (await recipients({ ...the, assigneeId: null, level: 'breached', at: new Date(Date.now() + 10 * HOUR) })).map((r) => r.staffId),
      ).toEqual([manager.id]);
      // An account manager who left is nobody to reach.
      await t.http().post(`/api/v1/staff/${manager.id}/deactivate`).set(bearer(t.admin)).expect(200);
      expect((await recipients({ ...the, level: 'breached' })).map((r) => r.staffId)).toEqual([engineer.id, dutyManager.id]);
      // The district's own director, once there is one, is its region director; the province answers for a region without any.
      const districtDirector = await person(['director'], ['440402']);
      expect((await recipients({ ...the, level: 'escalated_2' })).map((r) => r.staffId)).toEqual([districtDirector.id]);
      const elsewhere = (await recipients({ level: 'escalated_2', region: '440507' })).map((r) => r.staffId).sort();
      expect(elsewhere).toEqual([provinceDirector.id, gdDirector.id].sort());
    });

    it('follows the region’s own policy, lists a person picked by two rules once (under the first), and reaches named staff', async () => {
      const engineer = await person(['engineer'], ['440605']);
      const named = await person(['director'], ['CN']);
      const policy = {
        ...DEFAULT,
        warning: ['assignee', `staff:${engineer.id}`, `staff:${named.id}`],
        escalated_3: ['province_director', `staff:${named.id}`],
      };
      await put('440605', { levels: policy, expectedVersion: 0 }).expect(200);
      expect((await recipients({ region: '440605', assigneeId: engineer.id, level: 'warning' })).map((r) => [r.staffId, r.reason])).toEqual(
        [
          [engineer.id, 'assignee'],
          [named.id, `staff:${named.id}`],
        ],
      );
      // The province's directors first (the nationwide one is no province director while the province has its own), then the named one.
      const level3 = await recipients({ region: '440605', level: 'escalated_3' });
      expect(level3.at(-1)).toMatchObject({ staffId: named.id, reason: `staff:${named.id}` });
      expect(level3.slice(0, -1).map((r) => r.reason)).toEqual(level3.slice(0, -1).map(() => 'province_director'));
      expect(level3.map((r) => r.staffId)).toContain(gdDirector.id);
      // A neighbouring district still inherits the default: the warning reaches the assignee only.
      expect((await recipients({ region: '440604', assigneeId: engineer.id, level: 'warning' })).map((r) => r.reason)).toEqual([
        'assignee',
      ]);
      // A national case (region CN) reaches the nationwide directors.
      expect((await recipients({ region: 'CN', level: 'escalated_2' })).map((r) => r.staffId)).toEqual([named.id]);
    });
  });
});
