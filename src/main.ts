import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { loadConfigOrExit, prepareDatabase } from './bootstrap';
import { configureApp, createFastifyAdapter } from './common/http/configure-app';
import { AppLogger, rootLogger } from './common/http/logger';

/**
 * The HTTP API. `--with-workers` (what `npm start` passes) also runs the
 * BullMQ processors in this process, for a single-machine install.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const withWorkers = process.argv.includes('--with-workers');
  await prepareDatabase(config);
  const root = rootLogger(config.logLevel);
  const logger = new AppLogger(root);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, api: true, worker: withWorkers }),
    createFastifyAdapter(config),
    { logger },
  );
  app.enableShutdownHooks();
  await configureApp(app, config, root);
  await app.listen({ port: config.http.port, host: config.http.host });
  logger.log(
    `Focus One API on http://${config.http.host}:${config.http.port} (docs at /api/docs)${withWorkers ? ' with workers' : ''}`,
    'Bootstrap',
  );
}

main().catch((err) => {
  console.error('Focus One API failed to start:', err);
  process.exit(1);
});
