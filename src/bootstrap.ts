import pino from 'pino';
import { AppConfig, ConfigError } from './config/app-config';
import { migrate } from './database/data-source';
import { ensureDatabase } from './database/ensure-database';

// Before Nest (and its pino logger) exists: the same JSON lines, so log shippers see one format.
const log = pino({ base: { service: 'focus-one', context: 'Bootstrap' }, level: process.env.LOG_LEVEL ?? 'info' });

/** Validated config, or exit naming every bad variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    const config = AppConfig.load();
    if (config.auth.jwtSecretGenerated) {
      log.warn('JWT_SECRET is not set: using a random secret for this process; tokens will not survive a restart or work across processes');
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Creates the database if missing and applies pending migrations (unless RUN_MIGRATIONS=false). */
export async function prepareDatabase(config: AppConfig): Promise<void> {
  await ensureDatabase(config.database.url);
  if (config.database.runMigrations) await migrate(config, (m) => log.info(m));
}
