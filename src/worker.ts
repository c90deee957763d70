import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { loadConfigOrExit, prepareDatabase } from './bootstrap';

/** The BullMQ processors alone; scale these apart from the API. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, api: false, worker: true }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  app.get(Logger).log('Focus One workers running');
}

main().catch((err) => {
  console.error('Focus One workers failed to start:', err);
  process.exit(1);
});
