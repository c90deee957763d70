import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../app.module';
import { loadConfigOrExit, prepareDatabase } from '../bootstrap';
import { configureApp, createFastifyAdapter } from '../common/http/configure-app';

/**
 * Writes the OpenAPI document the API serves at /api/docs-json to a file,
 * without opening a port (for `npm run lint:openapi`). The app is built as
 * `npm run start:api` builds it, so it needs the database and Redis that
 * DATABASE_URL and REDIS_URL name.
 *
 *   node dist/src/cli/openapi.js dist/openapi.json
 */
async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: openapi.js <output file>');
  const config = loadConfigOrExit();
  await prepareDatabase(config);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ config, api: true, worker: false }),
    createFastifyAdapter(config),
    { logger: false },
  );
  try {
    await configureApp(app, config);
    await app.init();
    const res = await app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/api/docs-json' });
    if (res.statusCode !== 200) throw new Error(`GET /api/docs-json answered ${res.statusCode}`);
    writeFileSync(out, JSON.stringify(JSON.parse(res.body), null, 2));
    console.log(`OpenAPI document written to ${out}`);
  } finally {
    await app.close();
  }
}

main().catch((err) => {
  console.error('Writing the OpenAPI document failed:', err);
  process.exit(1);
});
