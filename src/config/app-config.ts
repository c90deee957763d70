import { randomBytes } from 'node:crypto';
import { envSchema } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Typed, validated settings; injected by class so every consumer is typed. */
export class AppConfig {
  readonly env: 'development' | 'test' | 'production';
  readonly http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    trustProxy: boolean;
    /** The OpenAPI document's server URL; '/' when PUBLIC_BASE_URL is unset. */
    publicBaseUrl: string;
    /** What one parsed body may hold: nesting levels, members (object keys and array items) in all, keys in one object. */
    bodyLimits: { maxDepth: number; maxKeys: number; maxObjectKeys: number };
  };
  readonly database: { url: string; poolSize: number; runMigrations: boolean };
  readonly redis: { url: string; queuePrefix: string };
  readonly auth: {
    jwtSecret: string;
    jwtSecretGenerated: boolean;
    tokenTtlSeconds: number;
    rateLimitMax: number;
    rateLimitWindowSeconds: number;
    /** Sign-in attempts per client address, whatever the username, in the same window. */
    addressRateLimitMax: number;
  };
  readonly admin: { username: string; password?: string };
  readonly logLevel: string;
  readonly idempotencyTtlHours: number;
  readonly idempotencyAbandonSeconds: number;
  readonly housekeepingIntervalSeconds: number;
  readonly sla: { sweepSeconds: number; minSeconds: number; faultAutoCloseHours: number; supportAutoCloseHours: number };
  readonly billing: { dueDays: number; /** 'HH:MM', Asia/Shanghai */ arrearsRunAt: string };
  readonly calendars: {
    /** How often each process compares its calendar snapshot with PostgreSQL (the bound on a lost Redis message). */
    refreshSeconds: number;
    /** 'HH:MM', Asia/Shanghai: the daily check that next year's statutory days are known. */
    checkAt: string;
  };
  readonly events: {
    outboxPollMs: number;
    webhookAllowPrivate: boolean;
    webhookTimeoutMs: number;
    webhookMaxAttempts: number;
    webhookRetryBaseMs: number;
    retentionDays: number;
  };

  private constructor(init: Omit<AppConfig, never>) {
    Object.assign(this, init);
  }

  /** Reads and validates the environment; throws ConfigError naming each bad variable. */
  static load(source: NodeJS.ProcessEnv = process.env): AppConfig {
    // Empty strings are "not set": docker compose and .env files produce them.
    const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
    const parsed = envSchema.safeParse(cleaned);
    if (!parsed.success) {
      throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
    }
    const e = parsed.data;
    const generated = !e.JWT_SECRET;
    return new AppConfig({
      env: e.NODE_ENV,
      http: {
        host: e.HOST,
        port: e.PORT,
        bodyLimitBytes: e.BODY_LIMIT_BYTES,
        trustProxy: e.TRUST_PROXY,
        publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? '/',
        bodyLimits: { maxDepth: e.BODY_MAX_DEPTH, maxKeys: e.BODY_MAX_KEYS, maxObjectKeys: e.BODY_MAX_OBJECT_KEYS },
      },
      database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE, runMigrations: e.RUN_MIGRATIONS },
      redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
      auth: {
        // Outside production a missing secret is replaced per start (tokens die with the process).
        jwtSecret: e.JWT_SECRET ?? randomBytes(48).toString('base64url'),
        jwtSecretGenerated: generated,
        tokenTtlSeconds: e.JWT_EXPIRES_IN_SECONDS,
        rateLimitMax: e.AUTH_RATE_LIMIT_MAX,
        rateLimitWindowSeconds: e.AUTH_RATE_LIMIT_WINDOW_SECONDS,
        addressRateLimitMax: e.AUTH_ADDRESS_RATE_LIMIT_MAX,
      },
      admin: { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD },
      logLevel: e.LOG_LEVEL,
      idempotencyTtlHours: e.IDEMPOTENCY_TTL_HOURS,
      idempotencyAbandonSeconds: e.IDEMPOTENCY_ABANDON_SECONDS,
      housekeepingIntervalSeconds: e.HOUSEKEEPING_INTERVAL_SECONDS,
      sla: {
        sweepSeconds: e.SLA_SWEEP_SECONDS,
        minSeconds: e.SLA_MIN_SECONDS,
        faultAutoCloseHours: e.FAULT_AUTO_CLOSE_HOURS,
        supportAutoCloseHours: e.SUPPORT_AUTO_CLOSE_HOURS,
      },
      billing: { dueDays: e.BILL_DUE_DAYS, arrearsRunAt: e.ARREARS_RUN_AT },
      calendars: { refreshSeconds: e.CALENDAR_REFRESH_SECONDS, checkAt: e.CALENDAR_CHECK_AT },
      events: {
        outboxPollMs: e.OUTBOX_POLL_MS,
        webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
        webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
        webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
        webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
        retentionDays: e.EVENT_RETENTION_DAYS,
      },
    });
  }
}
