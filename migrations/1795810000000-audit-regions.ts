import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A customer's home region, as SQL over a `customers` row `c`. */
const HOME = `ARRAY[c.home_region]`;
/** A customer's home and site regions. */
const FOOTPRINT = `${HOME} || coalesce((SELECT array_agg(s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}')`;

/**
 * For each kind of audited entity: the regions of an existing entry, read
 * from what it concerns (`x`, found by `key`, the entry's text id as a uuid,
 * and `c` its customer), as the code now records them on new entries
 * (AuditRecord.regions plus the customer's home region). Entries about
 * configuration (webhooks, SLA policies, bill runs) and charge batches (whose
 * id is a request id) keep none: for nationwide readers only.
 */
const BACKFILL: { entities: string[]; key?: string; regions: string; from: string }[] = [
  { entities: ['customer'], regions: FOOTPRINT, from: `customers c WHERE c.id = $key` },
  {
    entities: ['contact', 'site', 'service_instance'],
    key: `a.changes->>'customerId'`,
    regions: FOOTPRINT,
    from: `customers c WHERE c.id = $key`,
  },
  {
    entities: ['fault'],
    regions: `ARRAY[x.region] || ${HOME}`,
    from: `faults x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['support_request'],
    regions: `ARRAY[x.region] || ${HOME}`,
    from: `support_requests x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['inquiry'],
    regions: `ARRAY[x.region] || ${HOME}`,
    from: `inquiries x LEFT JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['order'],
    regions: `ARRAY[x.accepted_region] || ${HOME} || coalesce((SELECT array_agg(w.region) FROM work_orders w WHERE w.order_id = x.id), '{}')`,
    from: `orders x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['work_order'],
    regions: `ARRAY[x.region] || ${HOME}`,
    from: `work_orders x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['alert'],
    regions: `ARRAY[x.region] || ${HOME}`,
    from: `alerts x LEFT JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['payment'],
    regions: `ARRAY[x.collected_region] || ${HOME}`,
    from: `payments x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['charge'],
    regions: `ARRAY[x.service_region] || ${HOME}`,
    from: `billing_charges x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  {
    entities: ['bill'],
    regions: `${HOME} || coalesce((SELECT array_agg(l.serving_region) FROM bill_lines l WHERE l.bill_id = x.id), '{}')`,
    from: `bills x JOIN customers c ON c.id = x.customer_id WHERE x.id = $key`,
  },
  { entities: ['staff'], regions: `array_remove(x.regions, 'CN')`, from: `staff x WHERE x.id = $key` },
];

const UUID = `'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'`;

/**
 * The audit log is read by regional directors, so each entry records the
 * regions of what it concerns and the list is filtered by the caller's
 * scope. A scope is a code prefix ('44', '4406', '440605'); the index holds
 * each region's three prefixes, so "some region within the scope" is an
 * indexed array overlap.
 */
export class AuditRegions1795810000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION focus_one_scope_keys(regions text[]) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT k), '{}')
        FROM unnest(regions) AS r, LATERAL (VALUES (left(r, 2)), (left(r, 4)), (r)) AS v(k)
      $$`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN regions text[] NOT NULL DEFAULT '{}'`);
    for (const b of BACKFILL) {
      const key = b.key ?? 'a.entity_id';
      // Only rows whose key is a uuid reach the cast (the subquery runs for rows that pass WHERE).
      await q.query(
        `UPDATE audit_log a
            SET regions = coalesce((SELECT ARRAY(SELECT DISTINCT r FROM unnest(${b.regions}) AS r WHERE r IS NOT NULL ORDER BY r)
                                      FROM ${b.from.replace('$key', `(${key})::uuid`)}), '{}')
          WHERE a.entity = ANY($1) AND (${key}) ~ ${UUID}`,
        [b.entities],
      );
    }
    // A region's own entries (its dispatch endpoint) concern that region.
    await q.query(`UPDATE audit_log SET regions = ARRAY[entity_id] WHERE entity = 'region'`);
    await q.query(`CREATE INDEX audit_log_scope_idx ON audit_log USING gin (focus_one_scope_keys(regions))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_scope_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN regions`);
    await q.query(`DROP FUNCTION focus_one_scope_keys(text[])`);
  }
}
