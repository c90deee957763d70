import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, point 4 and the end of point 2: the notification pipeline's
 * delivery log (docs/ARCHITECTURE.md, "Notification pipeline").
 *
 * - `notification_deliveries`: one row per (outbox event, recipient, channel):
 *   whom an alert was sent to, on which channel, and what became of it. A
 *   recipient is a staff member, a region's group robot, or (for the customer
 *   notices still to come) a customer contact. Unique per event, recipient
 *   and channel: the relay may run an event only once, and even a second run
 *   could not add a row twice.
 * - `notification_digests`: the unit that is sent. Rows for one recipient on
 *   one channel join the open digest (attempts = 0) until it is sent, so a
 *   storm becomes one message per window. Retries, leases and the dead
 *   letter state live here; the rows mirror its outcome.
 * - `notification_sms_receipts`: SMS delivery receipts by segment id, kept
 *   whether or not the send is recorded yet (the SMSC may answer a submit and
 *   send its receipt before the sender has written the ids down).
 * - `notification_digest_attempts`: every attempt, with the rate-limit key it
 *   counted against (the limiter counts these) and its outcome; `in_doubt`
 *   marks an attempt whose worker died between sending and recording.
 */
export class NotificationDeliveries1795920000000 implements MigrationInterface {
  name = 'NotificationDeliveries1795920000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification_digests (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_key        text NOT NULL,
        channel              text NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'sms', 'email')),
        state                text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
        send_at              timestamptz NOT NULL,
        attempts             integer NOT NULL DEFAULT 0,
        max_attempts         integer NOT NULL,
        next_attempt_at      timestamptz NOT NULL,
        lease_until          timestamptz,
        first_attempt_at     timestamptz,
        last_error           text,
        provider_message_id  text,
        provider_message_ids text[],
        receipt_status       text CHECK (receipt_status IN ('delivered', 'failed')),
        receipt_at           timestamptz,
        sent_at              timestamptz,
        created_at           timestamptz NOT NULL DEFAULT now(),
        CHECK ((state = 'sending') = (lease_until IS NOT NULL))
      )`);
    // At most one digest per recipient and channel still collecting rows (never attempted).
    await q.query(
      `CREATE UNIQUE INDEX notification_digests_open_uq ON notification_digests (recipient_key, channel) WHERE state = 'pending' AND attempts = 0`,
    );
    await q.query(
      `CREATE INDEX notification_digests_due_idx ON notification_digests (next_attempt_at) WHERE state IN ('pending', 'failed', 'sending')`,
    );
    await q.query(`CREATE INDEX notification_digests_window_idx ON notification_digests (recipient_key, channel, first_attempt_at DESC)`);
    await q.query(`CREATE INDEX notification_digests_provider_ids_idx ON notification_digests USING gin (provider_message_ids)`);

    await q.query(`
      CREATE TABLE notification_digest_attempts (
        digest_id   uuid NOT NULL REFERENCES notification_digests (id) ON DELETE CASCADE,
        attempt     integer NOT NULL,
        rate_key    text,
        started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        finished_at timestamptz,
        outcome     text CHECK (outcome IN ('accepted', 'failed', 'in_doubt')),
        error       text,
        PRIMARY KEY (digest_id, attempt)
      )`);
    await q.query(`CREATE INDEX notification_digest_attempts_rate_idx ON notification_digest_attempts (rate_key, started_at DESC)`);

    // SMS delivery receipts, one per segment, kept by message id: a receipt may arrive before its send is recorded.
    await q.query(`
      CREATE TABLE notification_sms_receipts (
        message_id  text PRIMARY KEY,
        status      text NOT NULL CHECK (status IN ('delivered', 'failed')),
        stat        text NOT NULL,
        done_at     timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE notification_deliveries (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id            uuid NOT NULL,
        event_type          text NOT NULL,
        alert_id            uuid,
        case_kind           text NOT NULL,
        case_id             uuid NOT NULL,
        case_no             text NOT NULL,
        region              text NOT NULL,
        recipient_kind      text NOT NULL CHECK (recipient_kind IN ('staff', 'group', 'contact')),
        recipient_key       text NOT NULL,
        staff_id            uuid,
        group_channel_id    uuid,
        contact_id          uuid,
        recipient_name      text NOT NULL,
        address             text,
        mentions            jsonb NOT NULL DEFAULT '[]',
        channel             text NOT NULL CHECK (channel IN ('wecom', 'dingtalk', 'sms', 'email', 'none')),
        state               text NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'dead', 'suppressed')),
        suppressed_reason   text CHECK (suppressed_reason IN ('quiet_hours', 'no_address', 'channel_not_configured', 'opted_out')),
        digest_id           uuid REFERENCES notification_digests (id),
        attempts            integer NOT NULL DEFAULT 0,
        last_error          text,
        provider_message_id text,
        receipt_status      text CHECK (receipt_status IN ('delivered', 'failed')),
        sent_at             timestamptz,
        priority            smallint NOT NULL,
        green_channel       boolean NOT NULL,
        facts               jsonb NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT now(),
        updated_at          timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, recipient_key, channel),
        CHECK ((state = 'suppressed') = (suppressed_reason IS NOT NULL)),
        CHECK ((state = 'suppressed') = (digest_id IS NULL)),
        CHECK ((recipient_kind = 'staff') = (staff_id IS NOT NULL)),
        CHECK ((recipient_kind = 'group') = (group_channel_id IS NOT NULL)),
        CHECK ((recipient_kind = 'contact') = (contact_id IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX notification_deliveries_alert_idx ON notification_deliveries (alert_id) WHERE alert_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_deliveries_digest_idx ON notification_deliveries (digest_id) WHERE digest_id IS NOT NULL`);
    await q.query(`CREATE INDEX notification_deliveries_state_idx ON notification_deliveries (state, created_at DESC)`);
    await q.query(`CREATE INDEX notification_deliveries_created_idx ON notification_deliveries (created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification_deliveries`);
    await q.query(`DROP TABLE notification_sms_receipts`);
    await q.query(`DROP TABLE notification_digest_attempts`);
    await q.query(`DROP TABLE notification_digests`);
  }
}
