import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, points 1 and 2. The duty roster: shifts per region (a GB/T 2260
 * code, or CN for the whole country) and duty role, each naming one staff
 * member for a time range; shifts may overlap. Escalation policies: per
 * region, which people each alert level reaches; a region without its own
 * inherits its parent's, up to the national policy (CN) seeded here.
 */
export class RostersEscalationPolicies1795860000000 implements MigrationInterface {
  name = 'RostersEscalationPolicies1795860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE roster_shifts (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        region     text NOT NULL CHECK (region = 'CN' OR region ~ '^[0-9]{6}$'),
        duty_role  text NOT NULL CHECK (duty_role IN ('engineer', 'agent', 'duty_manager', 'director')),
        staff_id   uuid NOT NULL REFERENCES staff (id),
        starts_at  timestamptz NOT NULL,
        ends_at    timestamptz NOT NULL,
        created_by uuid REFERENCES staff (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (starts_at < ends_at)
      )`);
    // "Who is on duty for this role in these regions at t": equality on role and region, then the shifts not yet ended.
    await q.query(`CREATE INDEX roster_shifts_covering_idx ON roster_shifts (duty_role, region, ends_at, starts_at)`);
    await q.query(`CREATE INDEX roster_shifts_staff_idx ON roster_shifts (staff_id, starts_at)`);
    await q.query(`CREATE INDEX roster_shifts_starts_idx ON roster_shifts (starts_at)`);

    await q.query(`
      CREATE TABLE escalation_policies (
        region     text PRIMARY KEY CHECK (region = 'CN' OR region ~ '^[0-9]{6}$'),
        levels     jsonb NOT NULL CHECK (jsonb_typeof(levels) = 'object'),
        version    integer NOT NULL DEFAULT 1,
        updated_by uuid REFERENCES staff (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The national default: the assignee is warned; a breach reaches the assignee, the duty manager on the roster and the
    // account manager; 150 % the director of the case's region, 200 % the province's director.
    await q.query(`INSERT INTO escalation_policies (region, levels) VALUES ('CN', $1::jsonb)`, [
      JSON.stringify({
        warning: ['assignee'],
        breached: ['assignee', 'on_duty:duty_manager', 'account_manager'],
        escalated_2: ['region_director'],
        escalated_3: ['province_director'],
      }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE escalation_policies`);
    await q.query(`DROP TABLE roster_shifts`);
  }
}
