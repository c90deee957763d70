import { DataSource } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import type { AppConfig } from '../config/app-config';
import { migrations } from '../../migrations';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Options shared by the app (which adds entities per module) and the migration CLI. */
export function dataSourceOptions(config: AppConfig): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: config.database.url,
    namingStrategy: new SnakeNamingStrategy(),
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    poolSize: config.database.poolSize,
    extra: { application_name: 'focus-one' },
  };
}

/** Runs pending migrations; an advisory lock keeps concurrent starts from racing. */
export async function migrate(config: AppConfig, log: (msg: string) => void = () => {}): Promise<string[]> {
  const ds = new DataSource({ ...dataSourceOptions(config), poolSize: 2 });
  await ds.initialize();
  const lock = ds.createQueryRunner();
  try {
    await lock.connect();
    await lock.query("SELECT pg_advisory_lock(hashtext('focus-one:migrations'))");
    const ran = await ds.runMigrations({ transaction: 'each' });
    for (const m of ran) log(`migration applied: ${m.name}`);
    return ran.map((m) => m.name);
  } finally {
    await lock.query("SELECT pg_advisory_unlock(hashtext('focus-one:migrations'))").catch(() => undefined);
    await lock.release();
    await ds.destroy();
  }
}
