/**
 * The ceiling for fault intake on this machine: the least an intake endpoint
 * can do (TOOLCHAIN.md's "bare create ticket"): Fastify, one PostgreSQL
 * transaction writing a ticket row and an event row, one delayed BullMQ job.
 * No Nest, no auth, no validation, no ORM. bench:faults runs it beside the
 * real endpoint in the same runs, so the ratio survives a noisy machine.
 */
import { Queue } from 'bullmq';
import Fastify from 'fastify';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bare_tickets (id uuid PRIMARY KEY, title text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  );
  await pool.query(
    `CREATE TABLE IF NOT EXISTS bare_events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ticket_id uuid NOT NULL, data jsonb NOT NULL)`,
  );
  const queue = new Queue('bare', { connection: { url: process.env.REDIS_URL }, prefix: process.env.QUEUE_PREFIX });
  const app = Fastify({ logger: false });
  app.get('/live', async () => ({ ok: true }));
  app.post('/tickets', async (request, reply) => {
    const id = randomUUID();
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO bare_tickets (id, title) VALUES ($1, $2)', [id, (request.body as { title?: string })?.title ?? 'x']);
      await client.query('INSERT INTO bare_events (ticket_id, data) VALUES ($1, $2)', [id, JSON.stringify({ id })]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
    await queue.add('t', { id }, { jobId: `t-${id}`, delay: 86_400_000, removeOnComplete: true });
    return reply.code(201).send({ id });
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => Promise.all([queue.close(), pool.end()]))
        .then(() => process.exit(0)),
  );
}

void main();
