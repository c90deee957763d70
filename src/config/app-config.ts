import { randomBytes } from 'node:crypto';
import { envSchema, secretKeyBytes } from './env.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The SMSC session (SMPP 3.4 transceiver). */
export interface SmppSettings {
  /** smpp://host:port or ssmpp://host:port (TLS). */
  url: string;
  systemId: string;
  password: string;
  systemType: string;
  source: { addr: string; ton: number; npi: number };
  destination: { ton: number; npi: number };
  enquireLinkMs: number;
  submitTimeoutMs: number;
  /** submit_sm awaiting their answer at once. */
  window: number;
  maxPerSecond: number;
  maxSegments: number;
}

/** The SMTP relay. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  requireTls: boolean;
  auth?: { user: string; pass: string };
  from: string;
  timeoutMs: number;
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
  /** 'HH:MM', Asia/Shanghai: the nightly build of the previous day's report rollups. */
  readonly reports: { buildAt: string };
  /** Satisfaction call-backs: the sampled share of standard-tier cases (0–100) and the hours a call-back is due in. */
  readonly callbacks: { samplePercent: number; dueHours: number };
  readonly events: {
    outboxPollMs: number;
    webhookAllowPrivate: boolean;
    webhookTimeoutMs: number;
    webhookMaxAttempts: number;
    webhookRetryBaseMs: number;
    retentionDays: number;
  };
  readonly notifications: {
    /** Encrypts the robots' credentials (AES-256-GCM); undefined: none can be stored or used. */
    secretKey?: Buffer;
    /** Decrypts what the key before a rotation encrypted. */
    previousSecretKey?: Buffer;
    httpTimeoutMs: number;
    /** The delivery pipeline (docs/ARCHITECTURE.md, "Notification pipeline"). */
    pipeline: {
      digestWindowMs: number;
      /** Minutes of the China day [from, to) during which only P1 and green-channel alerts go by SMS; null: none. */
      quietHours: { fromMinute: number; toMinute: number } | null;
      maxAttempts: number;
      retryBaseMs: number;
      leaseMs: number;
    };
    /** Undefined: no SMS channel. */
    smpp?: SmppSettings;
    /** Undefined: no e-mail channel. */
    smtp?: SmtpSettings;
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
      reports: { buildAt: e.REPORTS_BUILD_AT },
      callbacks: { samplePercent: e.CALLBACK_SAMPLE_PERCENT, dueHours: e.CALLBACK_DUE_HOURS },
      events: {
        outboxPollMs: e.OUTBOX_POLL_MS,
        webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE,
        webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
        webhookMaxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
        webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
        retentionDays: e.EVENT_RETENTION_DAYS,
      },
      notifications: {
        secretKey: e.NOTIFY_SECRET_KEY ? secretKeyBytes(e.NOTIFY_SECRET_KEY) : undefined,
        previousSecretKey: e.NOTIFY_SECRET_KEY_PREVIOUS ? secretKeyBytes(e.NOTIFY_SECRET_KEY_PREVIOUS) : undefined,
        httpTimeoutMs: e.NOTIFY_HTTP_TIMEOUT_MS,
        pipeline: {
          digestWindowMs: e.NOTIFY_DIGEST_WINDOW_SECONDS * 1000,
          quietHours: quietHoursOf(e.NOTIFY_QUIET_HOURS),
          maxAttempts: e.NOTIFY_MAX_ATTEMPTS,
          retryBaseMs: e.NOTIFY_RETRY_BASE_MS,
          leaseMs: e.NOTIFY_SEND_LEASE_SECONDS * 1000,
        },
        smpp: e.SMPP_URL
          ? {
              url: e.SMPP_URL,
              systemId: e.SMPP_SYSTEM_ID!,
              password: e.SMPP_PASSWORD!,
              systemType: e.SMPP_SYSTEM_TYPE,
              source: { addr: e.SMPP_SOURCE_ADDR!, ton: e.SMPP_SOURCE_TON, npi: e.SMPP_SOURCE_NPI },
              destination: { ton: e.SMPP_DEST_TON, npi: e.SMPP_DEST_NPI },
              enquireLinkMs: e.SMPP_ENQUIRE_LINK_SECONDS * 1000,
              submitTimeoutMs: e.SMPP_SUBMIT_TIMEOUT_MS,
              window: e.SMPP_WINDOW,
              maxPerSecond: e.SMPP_MAX_PER_SECOND,
              maxSegments: e.SMPP_MAX_SEGMENTS,
            }
          : undefined,
        smtp: e.SMTP_HOST
          ? {
              host: e.SMTP_HOST,
              port: e.SMTP_PORT,
              secure: e.SMTP_SECURE,
              requireTls: e.SMTP_REQUIRE_TLS,
              auth: e.SMTP_USER ? { user: e.SMTP_USER, pass: e.SMTP_PASSWORD! } : undefined,
              from: e.SMTP_FROM!,
              timeoutMs: e.SMTP_TIMEOUT_MS,
            }
          : undefined,
      },
    });
  }
}

/** "22:00-08:00" → minutes of the day; "off" (or a range that starts where it ends) → null. The schema checked the form. */
function quietHoursOf(value: string): { fromMinute: number; toMinute: number } | null {
  if (value === 'off') return null;
  const [fromMinute, toMinute] = value.split('-').map((hm) => {
    const [h, m] = hm.split(':').map(Number);
    return h * 60 + m;
  });
  return fromMinute === toMinute ? null : { fromMinute, toMinute };
}
