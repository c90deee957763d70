import { AppConfig } from '../../src/config/app-config';
import { migrate } from '../../src/database/data-source';
import { ensureDatabase } from '../../src/database/ensure-database';
import { TEST_DATABASE_URL, adminQuery, assertTestDatabase } from './test-database';

/**
 * Migrates the template database once; every test file then gets its own
 * copy (CREATE DATABASE … TEMPLATE), so suites never see each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const template = assertTestDatabase(TEST_DATABASE_URL);
  // Copies left behind by an interrupted run: named <template>_<unix seconds>_…, dropped after an hour
  // (a younger one may belong to a run going on right now).
  const copies = await adminQuery<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}\\_%`]);
  const hourAgo = Date.now() / 1000 - 3600;
  for (const { datname } of copies) {
    const created = Number(/_(\d{10})_/.exec(datname.slice(template.length))?.[1] ?? 0);
    if (created < hourAgo) await adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
  await ensureDatabase(TEST_DATABASE_URL);
  await migrate(AppConfig.load({ DATABASE_URL: TEST_DATABASE_URL, NODE_ENV: 'test' }));
}
