import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff, regions, audit, idempotency and the shared customer record. */
export class Foundation1795740000000 implements MigrationInterface {
  name = 'Foundation1795740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE regions (
        code         text PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
        name         text NOT NULL,
        full_name    text NOT NULL,
        level        text NOT NULL CHECK (level IN ('province', 'city', 'district')),
        parent_code  text REFERENCES regions (code),
        -- '44' for 440000, '4406' for 440600, the whole code for a district:
        -- a staff scope covers every region whose code starts with it.
        scope_prefix text NOT NULL UNIQUE
      )`);

    await q.query(`
      CREATE TABLE staff (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username       text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
        display_name   text NOT NULL,
        password_hash  text NOT NULL,
        roles          text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@ ARRAY['admin','director','agent','account_manager','fulfilment','engineer','billing']),
        regions        text[] NOT NULL DEFAULT '{}',
        active         boolean NOT NULL DEFAULT true,
        token_version  integer NOT NULL DEFAULT 0,
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        deactivated_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE audit_log (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at    timestamptz NOT NULL DEFAULT now(),
        actor_id       uuid,
        actor_username text,
        action         text NOT NULL,
        entity         text NOT NULL,
        entity_id      text NOT NULL,
        changes        jsonb,
        request_id     text
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id)`);

    await q.query(`
      CREATE TABLE idempotency_keys (
        owner_id      uuid NOT NULL,
        key           text NOT NULL,
        fingerprint   text NOT NULL,
        state         text NOT NULL CHECK (state IN ('processing', 'completed')),
        status_code   integer,
        response_body jsonb,
        locked_at     timestamptz NOT NULL DEFAULT now(),
        created_at    timestamptz NOT NULL DEFAULT now(),
        expires_at    timestamptz NOT NULL,
        PRIMARY KEY (owner_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expiry_idx ON idempotency_keys (expires_at)`);

    await q.query(`
      CREATE TABLE products (
        code        text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{1,31}$'),
        name_zh     text NOT NULL,
        name_en     text NOT NULL,
        category    text NOT NULL,
        description text NOT NULL,
        attributes  jsonb NOT NULL DEFAULT '[]',
        active      boolean NOT NULL DEFAULT true
      )`);

    // Bigrams of the lower-cased name: a 2-character Chinese fragment is one
    // GIN lookup (pg_trgm needs 3 characters and a locale that knows CJK).
    await q.query(`
      CREATE FUNCTION focus_one_bigrams(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
        FROM generate_series(1, char_length(t) - 1) AS i
      $$`);
    await q.query(`CREATE SEQUENCE customer_no_seq`);
    await q.query(`
      CREATE TABLE customers (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_no        text NOT NULL UNIQUE DEFAULT ('KA' || lpad(nextval('customer_no_seq')::text, 8, '0')),
        name               text NOT NULL,
        name_bigrams       text[] GENERATED ALWAYS AS (focus_one_bigrams(name)) STORED,
        credit_code        text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
        tier               text NOT NULL CHECK (tier IN ('strategic', 'key', 'standard')),
        industry           text NOT NULL,
        home_region        text NOT NULL REFERENCES regions (code),
        green_channel      boolean NOT NULL DEFAULT false,
        account_manager_id uuid REFERENCES staff (id),
        archived_at        timestamptz,
        archive_reason     text,
        version            integer NOT NULL DEFAULT 1,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX customers_name_bigrams_idx ON customers USING gin (name_bigrams)`);
    await q.query(`CREATE INDEX customers_home_region_idx ON customers (home_region text_pattern_ops)`);
    await q.query(`CREATE INDEX customers_account_manager_idx ON customers (account_manager_id)`);

    await q.query(`
      CREATE TABLE customer_contacts (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id),
        name        text NOT NULL,
        mobile      text NOT NULL CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
        role        text NOT NULL CHECK (role IN ('primary', 'technical', 'billing', 'executive', 'other')),
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX customer_contacts_customer_idx ON customer_contacts (customer_id)`);
    await q.query(`CREATE INDEX customer_contacts_mobile_idx ON customer_contacts (mobile)`);

    await q.query(`
      CREATE TABLE customer_sites (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id),
        name        text NOT NULL,
        region      text NOT NULL REFERENCES regions (code),
        address     text NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, customer_id)
      )`);
    await q.query(`CREATE INDEX customer_sites_customer_idx ON customer_sites (customer_id)`);
    await q.query(`CREATE INDEX customer_sites_region_idx ON customer_sites (region text_pattern_ops)`);

    await q.query(`
      CREATE TABLE service_instances (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id  uuid NOT NULL REFERENCES customers (id),
        product_code text NOT NULL REFERENCES products (code),
        site_id      uuid NOT NULL,
        access_no    text NOT NULL UNIQUE,
        state        text NOT NULL CHECK (state IN ('pending', 'active', 'suspended', 'terminated')),
        version      integer NOT NULL DEFAULT 1,
        created_at   timestamptz NOT NULL DEFAULT now(),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        -- the site must be one of this customer's sites, enforced by the database too
        FOREIGN KEY (site_id, customer_id) REFERENCES customer_sites (id, customer_id)
      )`);
    await q.query(`CREATE INDEX service_instances_customer_idx ON service_instances (customer_id)`);

    await q.query(`
      CREATE TABLE account_manager_transfers (
        id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id             uuid NOT NULL REFERENCES customers (id),
        from_account_manager_id uuid REFERENCES staff (id),
        to_account_manager_id   uuid NOT NULL REFERENCES staff (id),
        reason                  text NOT NULL,
        transferred_by          uuid REFERENCES staff (id),
        transferred_at          timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX account_manager_transfers_customer_idx ON account_manager_transfers (customer_id, transferred_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'account_manager_transfers',
      'service_instances',
      'customer_sites',
      'customer_contacts',
      'customers',
      'products',
      'idempotency_keys',
      'audit_log',
      'staff',
      'regions',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`DROP SEQUENCE customer_no_seq`);
    await q.query(`DROP FUNCTION focus_one_bigrams(text)`);
  }
}
