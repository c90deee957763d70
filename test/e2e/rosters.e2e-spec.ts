import { customerBody, faultBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

/** Issue 13, point 1: the duty roster, who is on duty, and dispatch by the roster. */
describe('duty roster', () => {
  let t: TestApp;
  let gdDirector: StaffLogin;
  let fsDirector: StaffLogin;
  let nanhaiDirector: StaffLogin;
  let bjDirector: StaffLogin;
  let fsAgent: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    [gdDirector, fsDirector, nanhaiDirector, bjDirector, fsAgent] = await Promise.all([
      t.staff(['director'], ['440000']),
      t.staff(['director'], ['440600']),
      t.staff(['director'], ['440605']),
      t.staff(['director'], ['110000']),
      t.staff(['agent'], ['440600']),
    ]);
  });
  afterAll(() => t?.close());

  const HOUR = 3_600_000;
  /** An instant `hours` from now, written in China time with its offset (as a client in China would). */
  const china = (hours: number) => {
    const at = new Date(Date.now() + hours * HOUR + 8 * HOUR);
    return at.toISOString().replace(/\.\d{3}Z$/, '+08:00');
  };
  const post = (who: { token: string }, body: Record<string, unknown>, key?: string) => {
    const req = t.http().post('/api/v1/rosters/shifts').set(bearer(who));
    return (key ? req.set('Idempotency-Key', key) : req).send(body);
  };
  const shift = async (who: { token: string }, body: Record<string, unknown>) => {
    const res = await post(who, { from: china(-1), to: china(8), ...body });
    if (res.status !== 201) throw new Error(`shift: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; region: string; staffId: string };
  };
  const onDuty = async (who: { token: string }, region: string, dutyRole: string, at?: string) => {
    const query = `region=${region}&dutyRole=${dutyRole}${at ? `&at=${encodeURIComponent(at)}` : ''}`;
    return (await t.http().get(`/api/v1/rosters/on-duty?${query}`).set(bearer(who)).expect(200)).body as {
      rosterRegion: string | null;
      people: { staffId: string; shiftId: string }[];
    };
  };
  const fields = (res: { body: { errors?: { field: string }[] } }) => (res.body.errors ?? []).map((e) => e.field);

  describe('shifts', () => {
    it('are created (201, audited, idempotent), read, listed and deleted (204, audited)', async () => {
      const engineer = await t.staff(['engineer'], ['440605']);
      const key = unique('shift-');
      const body = {
        region: '440605',
        dutyRole: 'engineer',
        staffId: engineer.id,
        from: '2026-12-07T08:00:00+08:00',
        to: '2026-12-07T20:00:00+08:00',
      };
      const created = await post(fsDirector, body, key).expect(201);
      expect(created.body).toMatchObject({
        region: '440605',
        dutyRole: 'engineer',
        staffId: engineer.id,
        staff: { id: engineer.id, displayName: engineer.username },
        from: '2026-12-07T00:00:00.000Z',
        to: '2026-12-07T12:00:00.000Z',
        createdBy: fsDirector.id,
      });
      const replay = await post(fsDirector, body, key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body.id).toBe(created.body.id);
      await post(fsDirector, { ...body, to: '2026-12-07T21:00:00+08:00' }, key).expect(422);

      const id = created.body.id as string;
      expect((await t.http().get(`/api/v1/rosters/shifts/${id}`).set(bearer(fsAgent)).expect(200)).body.id).toBe(id);
      const listed = await t.http().get(`/api/v1/rosters/shifts?staffId=${engineer.id}`).set(bearer(fsAgent)).expect(200);
      expect(listed.body).toMatchObject({ total: 1, items: [{ id, staff: { id: engineer.id } }] });
      const window = (from: string, to: string) =>
        t
          .http()
          .get(`/api/v1/rosters/shifts?staffId=${engineer.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`)
          .set(bearer(fsAgent))
          .expect(200);
      expect((await window('2026-12-07T19:00:00+08:00', '2026-12-08T00:00:00+08:00')).body.total).toBe(1);
      expect((await window('2026-12-07T20:00:00+08:00', '2026-12-08T00:00:00+08:00')).body.total).toBe(0); // `to` is exclusive

      await t.http().delete(`/api/v1/rosters/shifts/${id}`).set(bearer(fsDirector)).expect(204);
      await t.http().get(`/api/v1/rosters/shifts/${id}`).set(bearer(fsAgent)).expect(404);
      await t.http().delete(`/api/v1/rosters/shifts/${id}`).set(bearer(fsDirector)).expect(404);
      const audit = await t.dataSource.query<{ action: string; regions: string[]; changes: Record<string, unknown> }[]>(
        `SELECT action, regions, changes FROM audit_log WHERE entity = 'roster_shift' AND entity_id = $1 ORDER BY id`,
        [id],
      );
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'roster_shift.created',
          regions: ['440605'],
          changes: expect.objectContaining({ staffId: engineer.id }),
        }),
        expect.objectContaining({ action: 'roster_shift.deleted', regions: ['440605'] }),
      ]);
    });

    it('are changed by admins and the directors of the region only: 403 for other roles and regions, 404 where the shift is not visible', async () => {
      const engineer = await t.staff(['engineer'], ['440600']);
      const body = { region: '440605', dutyRole: 'engineer', staffId: engineer.id, from: china(0), to: china(4) };
      expect((await post(bjDirector, body).expect(403)).body.code).toBe('ROSTER_REGION_FORBIDDEN');
      await post(fsAgent, body).expect(403);
      await post(engineer, body).expect(403);
      const district = await shift(gdDirector, body);
      const city = await shift(t.admin, { ...body, region: '440600' });
      const otherDistrict = await shift(fsDirector, { ...body, region: '440604' });

      // Beijing sees none of them: 404, as if they did not exist, and not in its list.
      for (const s of [district, city]) {
        await t.http().get(`/api/v1/rosters/shifts/${s.id}`).set(bearer(bjDirector)).expect(404);
        await t.http().delete(`/api/v1/rosters/shifts/${s.id}`).set(bearer(bjDirector)).expect(404);
      }
      expect((await t.http().get(`/api/v1/rosters/shifts?staffId=${engineer.id}`).set(bearer(bjDirector)).expect(200)).body.total).toBe(0);

      // Nanhai's director sees its own shifts and those above it (the city's), not a neighbouring district's; changes only its own.
      const seen = await t.http().get(`/api/v1/rosters/shifts?staffId=${engineer.id}`).set(bearer(nanhaiDirector)).expect(200);
      expect(seen.body.items.map((s: { id: string }) => s.id).sort()).toEqual([district.id, city.id].sort());
      await t.http().get(`/api/v1/rosters/shifts/${otherDistrict.id}`).set(bearer(nanhaiDirector)).expect(404);
      expect((await t.http().delete(`/api/v1/rosters/shifts/${city.id}`).set(bearer(nanhaiDirector)).expect(403)).body.code).toBe(
        'ROSTER_REGION_FORBIDDEN',
      );
      await t.http().delete(`/api/v1/rosters/shifts/${city.id}`).set(bearer(fsAgent)).expect(403);
      await t.http().delete(`/api/v1/rosters/shifts/${district.id}`).set(bearer(nanhaiDirector)).expect(204);
      await t.http().delete(`/api/v1/rosters/shifts/${city.id}`).set(bearer(gdDirector)).expect(204);

      // The region filter takes a region and what is under it.
      const inFoshan = await t
        .http()
        .get(`/api/v1/rosters/shifts?region=440600&staffId=${engineer.id}`)
        .set(bearer(fsDirector))
        .expect(200);
      expect(inFoshan.body.items.map((s: { id: string }) => s.id)).toEqual([otherDistrict.id]);

      // A national shift: nationwide directors and admins only; everyone sees it.
      const national = await t.staff(['director'], ['CN']);
      await post(gdDirector, { region: 'CN', dutyRole: 'director', staffId: national.id, from: china(0), to: china(1) }).expect(403);
      const cn = await shift(national, { region: 'CN', dutyRole: 'director', staffId: national.id });
      await t.http().get(`/api/v1/rosters/shifts/${cn.id}`).set(bearer(bjDirector)).expect(200);
    });

    it('refuse bad input with 400 naming the field', async () => {
      const engineer = await t.staff(['engineer'], ['440600']);
      const ok = { region: '440605', dutyRole: 'engineer', staffId: engineer.id, from: china(0), to: china(4) };
      const refused = async (body: Record<string, unknown>) => fields(await post(fsDirector, body).expect(400));

      expect(await refused({ ...ok, to: ok.from })).toEqual(['to']);
      expect(await refused({ ...ok, from: china(5) })).toEqual(['to']);
      expect(await refused({ ...ok, from: '2026-12-07T08:00:00' })).toEqual(['from']);
      expect(await refused({ ...ok, from: '2026-12-07 08:00', to: '2026-12-07T20:00' })).toEqual(['from', 'to']);
      expect(await refused({ ...ok, staffId: '00000000-0000-4000-8000-000000000000' })).toEqual(['staffId']);
      expect(await refused({ ...ok, staffId: 'nobody' })).toEqual(['staffId']);
      expect(await refused({ ...ok, region: '449999' })).toEqual(['region']);
      expect(await refused({ ...ok, region: 'Foshan' })).toEqual(['region']);
      expect(await refused({ ...ok, dutyRole: 'boss' })).toEqual(['dutyRole']);
      expect(await refused({ ...ok, note: 'x' })).toEqual(['note']);

      // The person: the role must fit the duty, the scope cover the region, the record be active.
      expect(await refused({ ...ok, staffId: fsAgent.id })).toEqual(['staffId']);
      expect(await refused({ ...ok, dutyRole: 'duty_manager' })).toEqual(['staffId']);
      await shift(fsDirector, { ...ok, dutyRole: 'duty_manager', staffId: fsAgent.id });
      await shift(fsDirector, { ...ok, dutyRole: 'duty_manager', staffId: fsDirector.id });
      const beijing = await t.staff(['engineer'], ['110105']);
      const message = (await post(t.admin, { ...ok, staffId: beijing.id }).expect(400)).body.errors[0].message;
      expect(message).toContain('does not cover 440605');
      const below = await t.staff(['engineer'], ['440605']);
      expect(await refused({ ...ok, region: '440600', staffId: below.id })).toEqual(['staffId']); // a district engineer is no city shift
      const gone = await t.staff(['engineer'], ['440600']);
      await t.http().post(`/api/v1/staff/${gone.id}/deactivate`).set(bearer(t.admin)).expect(200);
      expect(await refused({ ...ok, staffId: gone.id })).toEqual(['staffId']);

      const at = await t
        .http()
        .get('/api/v1/rosters/on-duty?region=440605&dutyRole=engineer&at=2026-12-07T08:00:00')
        .set(bearer(fsAgent))
        .expect(400);
      expect(fields(at)).toEqual(['at']);
      const missing = await t.http().get('/api/v1/rosters/on-duty?dutyRole=engineer').set(bearer(fsAgent)).expect(400);
      expect(fields(missing)).toEqual(['region']);
    });
  });

  describe('who is on duty', () => {
    it('is the region’s own shift covering the instant, else its city’s, else its province’s; overlaps list each person once', async () => {
      // Zhuhai (440400) and its district Xiangzhou (440402): nobody else in this suite rosters them.
      const province = gdDirector;
      const cityLead = await t.staff(['agent'], ['440400']);
      const districtLead = await t.staff(['agent'], ['440402']);
      const other = await t.staff(['director'], ['440400']);
      const dm = { dutyRole: 'duty_manager' };
      await shift(t.admin, { ...dm, region: '440000', staffId: province.id, from: china(-2), to: china(20) });
      await shift(t.admin, { ...dm, region: '440400', staffId: cityLead.id, from: china(-1), to: china(10) });

      let now = await onDuty(fsAgent, '440402', 'duty_manager');
      expect(now.rosterRegion).toBe('440400');
      expect(now.people.map((p) => p.staffId)).toEqual([cityLead.id]);

      // Two overlapping shifts of one person are one entry (the shift ending last); another person overlapping is listed too.
      const longer = await shift(t.admin, { ...dm, region: '440400', staffId: cityLead.id, from: china(-0.5), to: china(12) });
      await shift(t.admin, { ...dm, region: '440400', staffId: other.id, from: china(-0.5), to: china(2) });
      now = await onDuty(fsAgent, '440402', 'duty_manager');
      expect(now.people).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ staffId: cityLead.id, shiftId: longer.id }),
          expect.objectContaining({ staffId: other.id }),
        ]),
      );
      expect(now.people).toHaveLength(2);

      // The district's own shift wins once there is one; the city still answers for the city and its other districts.
      await shift(t.admin, { ...dm, region: '440402', staffId: districtLead.id, from: china(-1), to: china(3) });
      now = await onDuty(fsAgent, '440402', 'duty_manager');
      expect(now).toMatchObject({ rosterRegion: '440402', people: [{ staffId: districtLead.id }] });
      expect((await onDuty(fsAgent, '440400', 'duty_manager')).rosterRegion).toBe('440400');

      // At another instant: past the district's and the city's shifts, the province answers (the instant given in China time).
      const later = await onDuty(fsAgent, '440402', 'duty_manager', china(15));
      expect(later).toMatchObject({ rosterRegion: '440000', people: [{ staffId: province.id }] });
      // Nobody at all along the chain.
      expect(await onDuty(fsAgent, '440402', 'duty_manager', china(30))).toMatchObject({ rosterRegion: null, people: [] });

      // An inactive person is nobody: the district falls back to the city.
      await t.http().post(`/api/v1/staff/${districtLead.id}/deactivate`).set(bearer(t.admin)).expect(200);
      expect((await onDuty(fsAgent, '440402', 'duty_manager')).rosterRegion).toBe('440400');
      // Any staff member reads any region (names and work phones, as the staff directory).
      expect((await onDuty(bjDirector, '440402', 'duty_manager')).rosterRegion).toBe('440400');
    });

    it('leaves out an engineer who went off duty (the override), falling back to the region above', async () => {
      const district = await t.staff(['engineer'], ['440703']);
      const city = await t.staff(['engineer'], ['440700']);
      await shift(t.admin, { region: '440703', dutyRole: 'engineer', staffId: district.id });
      await shift(t.admin, { region: '440700', dutyRole: 'engineer', staffId: city.id });
      expect((await onDuty(fsAgent, '440703', 'engineer')).people.map((p) => p.staffId)).toEqual([district.id]);
      await t.http().put(`/api/v1/staff/${district.id}/on-duty`).set(bearer(district)).send({ onDuty: false }).expect(200);
      expect(await onDuty(fsAgent, '440703', 'engineer')).toMatchObject({ rosterRegion: '440700', people: [{ staffId: city.id }] });
    });
  });

  describe('dispatch', () => {
    const openFault = async (region: string) => {
      const c = (
        await t
          .http()
          .post('/api/v1/customers')
          .set(bearer(gdDirector))
          .send(customerBody({ homeRegion: region, sites: [{ name: '机房', region, address: 'x' }] }))
          .expect(201)
      ).body;
      return (await t.http().post('/api/v1/faults').set(bearer(gdDirector)).send(faultBody(c.id)).expect(201)).body as { id: string };
    };
    const assigneeOf = (id: string) =>
      waitFor(
        async () => (await t.http().get(`/api/v1/faults/${id}`).set(bearer(gdDirector))).body.assigneeId as string | null,
        15_000,
        'dispatch',
      );

    it('picks the engineer on shift for the fault’s region, not a less busy one off shift; the city’s shift when the district has none', async () => {
      // Shantou (440500), district Longhu (440507): two engineers cover it; the one on shift already has open work.
      const onShift = await t.staff(['engineer'], ['440500']);
      const offShift = await t.staff(['engineer'], ['440500']);
      const busy = await openFault('440507');
      await t.http().post(`/api/v1/faults/${busy.id}/assign`).set(bearer(gdDirector)).send({ engineerId: onShift.id }).expect(200);
      await shift(t.admin, { region: '440507', dutyRole: 'engineer', staffId: onShift.id });

      const fault = await openFault('440507');
      expect(await assigneeOf(fault.id)).toBe(onShift.id);

      // Another district of the city, with no shift of its own: the city's roster answers.
      const cityShift = await t.staff(['engineer'], ['440500']);
      await shift(t.admin, { region: '440500', dutyRole: 'engineer', staffId: cityShift.id });
      const elsewhere = await openFault('440511');
      expect(await assigneeOf(elsewhere.id)).toBe(cityShift.id);
      expect([onShift.id, cityShift.id]).not.toContain(offShift.id);
    });

    it('passes over a rostered engineer who went off duty: with nobody available on the roster it behaves as before the roster', async () => {
      // Shenzhen Bao'an (440306): one rostered engineer, who is off duty, and one not rostered.
      const rostered = await t.staff(['engineer'], ['440306']);
      const free = await t.staff(['engineer'], ['440306']);
      await t.http().put(`/api/v1/staff/${rostered.id}/on-duty`).set(bearer(t.admin)).send({ onDuty: false }).expect(200);
      await shift(t.admin, { region: '440306', dutyRole: 'engineer', staffId: rostered.id });
      // The only rostered engineer is off duty: the roster names nobody available, so the on-duty engineers covering the region take it.
      const fault = await openFault('440306');
      expect(await assigneeOf(fault.id)).toBe(free.id);
    });
  });
});
