import { AppConfig, ConfigError } from './app-config';

/** Loads a config, or returns the ConfigError it threw (fails the test if it threw anything else). */
function configError(env: Record<string, string>): ConfigError {
  try {
    AppConfig.load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be rejected`);
}

describe('AppConfig', () => {
  it('has working defaults for a local machine', () => {
    const c = AppConfig.load({});
    expect(c.env).toBe('development');
    expect(c.http.port).toBe(3000);
    expect(c.http.bodyLimitBytes).toBe(1024 * 1024);
    expect(c.database.url).toBe('postgres://postgres@127.0.0.1:5432/focus_one');
    expect(c.database.runMigrations).toBe(true);
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.redis.queuePrefix).toBe('{focus-one}');
    expect(c.admin.username).toBe('admin');
    expect(c.admin.password).toBeUndefined();
    expect(c.auth.rateLimitMax).toBe(10);
    expect(c.auth.rateLimitWindowSeconds).toBe(60);
    expect(c.auth.addressRateLimitMax).toBe(100);
    expect(c.logLevel).toBe('info');
    // X-Forwarded-For is only believed when the operator says a proxy is in front
    expect(c.http.trustProxy).toBe(false);
    // far above the largest legitimate body (10,000 charges: ~90,000 members, 3 levels)
    expect(c.http.bodyLimits).toEqual({ maxDepth: 32, maxKeys: 200_000, maxObjectKeys: 1000 });
  });

  it('floors SLA targets at 60 s unless SLA_MIN_SECONDS says otherwise, and refuses a floor that is no count of seconds', () => {
    expect(AppConfig.load({}).sla.minSeconds).toBe(60);
    expect(AppConfig.load({ SLA_MIN_SECONDS: '1' }).sla.minSeconds).toBe(1);
    for (const bad of ['0', '-5', '1.5', 'soon', '86401'])
      expect(configError({ SLA_MIN_SECONDS: bad }).message).toContain('SLA_MIN_SECONDS');
  });

  it('does not read process.env when given a source', () => {
    const c = AppConfig.load({ PORT: '4321' });
    expect(c.http.port).toBe(4321);
  });

  it('reads and coerces every given value', () => {
    const c = AppConfig.load({
      NODE_ENV: 'test',
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db.example:5433/other',
      REDIS_URL: 'rediss://cache.example:6380',
      QUEUE_PREFIX: '{focus-two}',
      ADMIN_USERNAME: 'root.admin',
      ADMIN_PASSWORD: 'a-long-enough-password',
      RUN_MIGRATIONS: 'false',
      BODY_LIMIT_BYTES: '2048',
      AUTH_RATE_LIMIT_MAX: '3',
      AUTH_ADDRESS_RATE_LIMIT_MAX: '5',
      TRUST_PROXY: 'true',
      BODY_MAX_DEPTH: '8',
      BODY_MAX_KEYS: '5000',
      BODY_MAX_OBJECT_KEYS: '50',
    });
    expect(c.env).toBe('test');
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBe('postgresql://u:p@db.example:5433/other');
    expect(c.database.runMigrations).toBe(false);
    expect(c.redis.url).toBe('rediss://cache.example:6380');
    expect(c.redis.queuePrefix).toBe('{focus-two}');
    expect(c.admin).toEqual({ username: 'root.admin', password: 'a-long-enough-password' });
    expect(c.http.bodyLimitBytes).toBe(2048);
    expect(c.auth.rateLimitMax).toBe(3);
    expect(c.auth.addressRateLimitMax).toBe(5);
    expect(c.http.trustProxy).toBe(true);
    expect(c.http.bodyLimits).toEqual({ maxDepth: 8, maxKeys: 5000, maxObjectKeys: 50 });
  });

  it('treats empty strings as unset (docker compose and .env files produce them)', () => {
    const c = AppConfig.load({ PORT: '', JWT_SECRET: '', ADMIN_PASSWORD: '' });
    expect(c.http.port).toBe(3000);
    expect(c.admin.password).toBeUndefined();
    expect(c.auth.jwtSecretGenerated).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '0'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['NODE_ENV', 'staging'],
    ['DATABASE_URL', 'not a url'],
    ['DATABASE_URL', 'mysql://root@127.0.0.1/focus_one'],
    ['DATABASE_URL', 'postgres://postgres@127.0.0.1:5432'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['QUEUE_PREFIX', 'focus one'],
    ['ADMIN_USERNAME', 'Admin User'],
    ['ADMIN_PASSWORD', 'short'],
    ['LOG_LEVEL', 'verbose'],
    ['RUN_MIGRATIONS', 'yes'],
    ['TRUST_PROXY', 'always'],
    ['BODY_LIMIT_BYTES', '10'],
    ['BODY_MAX_DEPTH', '1000'],
    ['BODY_MAX_KEYS', '10'],
    ['BODY_MAX_OBJECT_KEYS', 'many'],
    ['DATABASE_POOL_SIZE', '1'],
    ['AUTH_RATE_LIMIT_MAX', '0'],
    ['AUTH_ADDRESS_RATE_LIMIT_MAX', '0'],
    // below the default per-username limit (10): the per-address limit would hide it
    ['AUTH_ADDRESS_RATE_LIMIT_MAX', '9'],
    ['JWT_EXPIRES_IN_SECONDS', '5'],
  ])('rejects %s=%s with a ConfigError naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.name).toBe('ConfigError');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatch(new RegExp(`^${name}: `));
    expect(err.message).toContain(name);
  });

  it('names every bad variable at once', () => {
    const err = configError({ PORT: 'abc', REDIS_URL: 'nope', LOG_LEVEL: 'loud' });
    const named = err.problems.map((p) => p.split(':')[0]).sort();
    expect(named).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
  });

  describe('notification channels', () => {
    const smpp = {
      SMPP_URL: 'smpp://smsc.example.cn:2775',
      SMPP_SYSTEM_ID: 'focusone',
      SMPP_PASSWORD: 'pw123456',
      SMPP_SOURCE_ADDR: '1065012345',
    };

    it('has no SMS, no e-mail and no secret key unless configured', () => {
      const c = AppConfig.load({});
      expect(c.notifications).toEqual({
        httpTimeoutMs: 5000,
        secretKey: undefined,
        previousSecretKey: undefined,
        smpp: undefined,
        smtp: undefined,
        // The pipeline's defaults: 60 s digests, quiet from 22:00 to 08:00 China time, 8 attempts from 2 s, 60 s send leases.
        pipeline: {
          digestWindowMs: 60_000,
          quietHours: { fromMinute: 22 * 60, toMinute: 8 * 60 },
          maxAttempts: 8,
          retryBaseMs: 2000,
          leaseMs: 60_000,
        },
      });
    });

    it('reads the secret key as base64 or hex, 32 bytes, and refuses anything else', () => {
      const key = Buffer.alloc(32, 7);
      expect(AppConfig.load({ NOTIFY_SECRET_KEY: key.toString('base64') }).notifications.secretKey).toEqual(key);
      expect(AppConfig.load({ NOTIFY_SECRET_KEY: key.toString('hex') }).notifications.secretKey).toEqual(key);
      for (const bad of ['changeme', Buffer.alloc(16).toString('base64'), 'z'.repeat(64)])
        expect(configError({ NOTIFY_SECRET_KEY: bad }).problems).toEqual([expect.stringMatching(/^NOTIFY_SECRET_KEY: /)]);
    });

    it('reads the SMSC settings, with the SMPP 3.4 defaults', () => {
      const c = AppConfig.load(smpp).notifications.smpp;
      expect(c).toEqual({
        url: 'smpp://smsc.example.cn:2775',
        systemId: 'focusone',
        password: 'pw123456',
        systemType: '',
        source: { addr: '1065012345', ton: 0, npi: 0 },
        destination: { ton: 1, npi: 1 },
        enquireLinkMs: 30_000,
        submitTimeoutMs: 10_000,
        window: 10,
        maxPerSecond: 20,
        maxSegments: 10,
      });
    });

    it('needs the bind credentials and the source number with SMPP_URL', () => {
      const named = configError({ SMPP_URL: smpp.SMPP_URL })
        .problems.map((p) => p.split(':')[0])
        .sort();
      expect(named).toEqual(['SMPP_PASSWORD', 'SMPP_SOURCE_ADDR', 'SMPP_SYSTEM_ID']);
      expect(configError({ ...smpp, SMPP_URL: 'http://smsc:2775' }).problems).toEqual([expect.stringMatching(/^SMPP_URL: /)]);
      expect(configError({ ...smpp, SMPP_PASSWORD: 'ninechars' }).problems).toEqual([expect.stringMatching(/^SMPP_PASSWORD: .*8/)]);
    });

    it('reads the SMTP relay; From is required and the credentials go in pairs', () => {
      const c = AppConfig.load({
        SMTP_HOST: 'smtp.example.cn',
        SMTP_FROM: 'Focus One <alerts@example.cn>',
        SMTP_USER: 'u',
        SMTP_PASSWORD: 'p',
      });
      expect(c.notifications.smtp).toEqual({
        host: 'smtp.example.cn',
        port: 587,
        secure: false,
        requireTls: true,
        auth: { user: 'u', pass: 'p' },
        from: 'Focus One <alerts@example.cn>',
        timeoutMs: 10_000,
      });
      expect(configError({ SMTP_HOST: 'smtp.example.cn' }).problems).toEqual([expect.stringMatching(/^SMTP_FROM: /)]);
      expect(configError({ SMTP_HOST: 'h', SMTP_FROM: 'a@b.cn', SMTP_USER: 'u' }).problems).toEqual([
        expect.stringMatching(/^SMTP_PASSWORD: /),
      ]);
    });
  });

  describe('JWT_SECRET', () => {
    it('is required in production', () => {
      const err = configError({ NODE_ENV: 'production' });
      expect(err.problems).toEqual([expect.stringMatching(/^JWT_SECRET: .*at least 32/)]);
    });

    it('must be at least 32 characters in production', () => {
      const err = configError({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) });
      expect(err.problems).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
      const c = AppConfig.load({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) });
      expect(c.auth.jwtSecret).toBe('x'.repeat(32));
      expect(c.auth.jwtSecretGenerated).toBe(false);
    });

    it.each(['development', 'test'])('is generated (and marked so) when missing in %s', (env) => {
      const a = AppConfig.load({ NODE_ENV: env });
      const b = AppConfig.load({ NODE_ENV: env });
      expect(a.auth.jwtSecretGenerated).toBe(true);
      expect(a.auth.jwtSecret.length).toBeGreaterThanOrEqual(32);
      // a fresh random secret per start, never a fixed fallback
      expect(a.auth.jwtSecret).not.toBe(b.auth.jwtSecret);
    });

    it('is taken as given outside production, even when short', () => {
      const c = AppConfig.load({ NODE_ENV: 'development', JWT_SECRET: 'dev-secret' });
      expect(c.auth.jwtSecret).toBe('dev-secret');
      expect(c.auth.jwtSecretGenerated).toBe(false);
    });
  });
});
