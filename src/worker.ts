import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { loadConfigOrExit, prepareDatabase } from './bootstrap';
import { AppLogger, rootLogger } from './common/http/logger';

/** The BullMQ processors alone; scale these apart from the API. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const logger = new AppLogger(rootLogger(config.logLevel));
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, api: false, worker: true }), { logger });
  app.enableShutdownHooks();
  await app.init();
  logger.log('Focus One workers running', 'Bootstrap');
}

main().catch((err) => {
  console.error('Focus One workers failed to start:', err);
  process.exit(1);
});
