import { Client } from 'pg';
// The tag itself, not common/sql: the database layer imports no module but config.
import sql from 'sql-template-tag';

/**
 * Creates the database named in the URL when it does not exist yet, so a
 * fresh machine needs no manual `createdb`. Safe when several processes race.
 */
export async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = sql`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    const { rowCount } = await client.query(exists.text, exists.values);
    if (rowCount) return;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((err: { code?: string }) => {
      if (err.code !== '42P04') throw err; // created meanwhile by another process
    });
  } finally {
    await client.end();
  }
}
