import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestingModuleBuilder } from '@nestjs/testing';
import { Test } from '@nestjs/testing';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import type { Role } from '../../src/common/auth/auth-context';
import { configureApp, createFastifyAdapter } from '../../src/common/http/configure-app';
import { AppConfig } from '../../src/config/app-config';
import { TEST_DATABASE_URL, TEST_REDIS_URL, adminQuery, assertTestDatabase, withDatabaseName } from './test-database';

export interface StaffLogin {
  id: string;
  username: string;
  token: string;
  roles: Role[];
  regions: string[];
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
  http: () => ReturnType<typeof request>;
  admin: StaffLogin;
  /** Creates a staff member through the API and signs them in. */
  staff(roles: Role[], regions: string[], username?: string): Promise<StaffLogin>;
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

let counter = 0;
export const unique = (prefix = '') => `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;

export interface TestAppOptions {
  /** Stands in providers for things outside the system (a DNS resolver), e.g. `(b) => b.overrideProvider(X).useValue(y)`. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/**
 * Boots the real application (API and workers) on a fresh copy of the
 * migrated test database and a private Redis key prefix.
 */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const template = assertTestDatabase(TEST_DATABASE_URL);
  // the creation time in the name lets global-setup tell abandoned copies from a concurrent run's
  const dbName = `${template}_${Math.floor(Date.now() / 1000)}_${unique()}`;
  assertTestDatabase(withDatabaseName(TEST_DATABASE_URL, dbName));
  await adminQuery(`CREATE DATABASE "${dbName}" TEMPLATE "${template}"`);
  const queuePrefix = `{focus-one-test-${unique()}}`;
  const adminPassword = randomBytes(12).toString('base64url');
  const config = AppConfig.load({
    NODE_ENV: 'test',
    DATABASE_URL: withDatabaseName(TEST_DATABASE_URL, dbName),
    DATABASE_POOL_SIZE: '10',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_USERNAME: 'admin',
    ADMIN_PASSWORD: adminPassword,
    // TEST_LOG_LEVEL=error npm test -- … shows the app's own logs when a test needs explaining
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    AUTH_RATE_LIMIT_MAX: '1000',
    AUTH_ADDRESS_RATE_LIMIT_MAX: '100000',
    // Suites run SLA clocks of a few seconds; the floor's own test sets it back.
    SLA_MIN_SECONDS: '1',
    ...env,
  });

  const builder = Test.createTestingModule({ imports: [AppModule.forRoot({ config, api: true, worker: true })] });
  const moduleRef = await (options.override ? options.override(builder) : builder).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(config), {
    logger: process.env.TEST_LOG_LEVEL ? ['error', 'warn'] : false,
  });
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const http = () => request(app.getHttpServer());

  const login = async (username: string, password: string) => {
    const res = await http().post('/api/v1/auth/token').send({ username, password }).expect(200);
    return res.body.accessToken as string;
  };
  const adminToken = await login('admin', adminPassword);
  const me = await http().get('/api/v1/staff/me').set('authorization', `Bearer ${adminToken}`).expect(200);
  const admin: StaffLogin = { id: me.body.id, username: 'admin', token: adminToken, roles: ['admin'], regions: ['CN'] };

  return {
    app,
    config,
    dataSource: app.get(DataSource),
    http,
    admin,
    login,
    async staff(roles, regions, username = unique(`${roles[0].replace('_', '')}.`)) {
      const password = randomBytes(12).toString('base64url');
      const res = await http()
        .post('/api/v1/staff')
        .set('authorization', `Bearer ${adminToken}`)
        .send({ username, password, displayName: username, roles, regions });
      if (res.status !== 201) throw new Error(`staff creation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { id: res.body.id, username, token: await login(username, password), roles, regions };
    },
    async close() {
      await app.close();
      await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await deleteRedisKeys(queuePrefix);
    },
  };
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new IORedis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export const bearer = (login: { token: string }) => ({ authorization: `Bearer ${login.token}` });
