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
  // Copies left behind by an interrupted run.
  const stale = await adminQuery<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}\\_%`]);
  for (const { datname } of stale) await adminQuery(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  await ensureDatabase(TEST_DATABASE_URL);
  await migrate(AppConfig.load({ DATABASE_URL: TEST_DATABASE_URL, NODE_ENV: 'test' }));
}
