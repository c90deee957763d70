import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

// abort: a value that is no URL at all stops there (the refinements below would throw on it).
const postgresUrl = z
  .string()
  .url({ abort: true })
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL')
  .refine((v) => new URL(v).pathname.length > 1, 'must name a database');

const redisUrl = z
  .string()
  .url({ abort: true })
  .refine((v) => /^rediss?:\/\//.test(v), 'must be a redis:// or rediss:// URL');

/** 32 bytes (an AES-256 key), written as base64 or as 64 hex digits. */
export function secretKeyBytes(value: string): Buffer | undefined {
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  return bytes?.length === 32 ? bytes : undefined;
}

const secretKey = z
  .string()
  .refine((v) => secretKeyBytes(v) !== undefined, 'must be 32 random bytes as base64 or 64 hex digits (openssl rand -base64 32)');

/**
 * Every setting the service reads. Nothing else in the code base touches
 * process.env: add a variable here, to .env.example and to the README.
 */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    DATABASE_URL: postgresUrl.default('postgres://postgres@127.0.0.1:5432/focus_one'),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
    RUN_MIGRATIONS: bool.default(true),
    REDIS_URL: redisUrl.default('redis://127.0.0.1:6379'),
    // Curly braces make every BullMQ key hash to one Redis Cluster slot.
    QUEUE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9{}_.-]+$/, 'letters, digits, braces, dot, dash or underscore only')
      .default('{focus-one}'),
    JWT_SECRET: z.string().optional(),
    JWT_EXPIRES_IN_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3600),
    ADMIN_USERNAME: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'lower-case letters, digits, dot, dash or underscore; 3-64 characters')
      .default('admin'),
    ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    // Only behind a reverse proxy: otherwise any client could pick its address in X-Forwarded-For.
    TRUST_PROXY: bool.default(false),
    // Where clients reach the API (the OpenAPI document's `servers`); unset → '/', the serving host itself.
    PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(1024 * 1024),
    // Checked on every parsed body before validation, whose cost grows faster than the body (see body-limits.ts).
    // The largest legitimate body, a batch of 10,000 charges, has about 90,000 members and is 3 levels deep.
    BODY_MAX_DEPTH: z.coerce.number().int().min(4).max(256).default(32),
    BODY_MAX_KEYS: z.coerce.number().int().min(100).max(10_000_000).default(200_000),
    BODY_MAX_OBJECT_KEYS: z.coerce.number().int().min(10).max(1_000_000).default(1000),
    AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
    AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    // Across usernames: an office behind one NAT signs in many people, a sprayer many accounts.
    AUTH_ADDRESS_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(100),
    IDEMPOTENCY_TTL_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    // A key left 'processing' with nothing committed this long belongs to a process that died: a retry takes it over.
    IDEMPOTENCY_ABANDON_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    HOUSEKEEPING_INTERVAL_SECONDS: z.coerce.number().int().min(10).default(3600),
    SLA_SWEEP_SECONDS: z.coerce.number().int().min(1).max(3600).default(15),
    // The shortest response or resolution target PUT /sla/policies accepts (a typo of 9 for 900 would page everyone at once).
    SLA_MIN_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    FAULT_AUTO_CLOSE_HOURS: z.coerce
      .number()
      .min(0.001)
      .max(24 * 90)
      .default(72),
    SUPPORT_AUTO_CLOSE_HOURS: z.coerce
      .number()
      .min(0.001)
      .max(24 * 90)
      .default(72),
    OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    // Tests and local demos deliver to 127.0.0.1; production refuses private and loopback targets.
    WEBHOOK_ALLOW_PRIVATE: bool.default(false),
    WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(12),
    // Relayed events and finished deliveries (with their attempts) are deleted after this many days.
    EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
    // A bill falls due this many days after the end of its period.
    BILL_DUE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    // The daily arrears check runs at this time of day, China time (HH:MM, 24-hour clock).
    ARREARS_RUN_AT: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day HH:MM (00:00-23:59), China time')
      .default('09:00'),
    // Processes hear of a calendar change through Redis at once; this poll bounds how stale a missed message leaves them.
    CALENDAR_REFRESH_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    // The daily check that next year's statutory holidays are known runs at this time of day, China time (HH:MM).
    CALENDAR_CHECK_AT: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day HH:MM (00:00-23:59), China time')
      .default('08:00'),
    // The nightly build of the previous China day's report rollups (report.daily_ready), China time (HH:MM).
    REPORTS_BUILD_AT: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'must be a time of day HH:MM (00:00-23:59), China time')
      .default('00:30'),

    // Satisfaction call-backs (docs/ARCHITECTURE.md, "Call-backs"): the share of standard-tier cases called back after
    // closing (strategic and key customers and green-channel cases always are), chosen by case id; and the due time.
    CALLBACK_SAMPLE_PERCENT: z.coerce.number().int().min(0).max(100).default(20),
    CALLBACK_DUE_HOURS: z.coerce
      .number()
      .min(0.001)
      .max(24 * 30)
      .default(48),

    // Notification channels (docs/ARCHITECTURE.md, "Notifications"). The key that encrypts the robots' credentials
    // (AES-256-GCM): 32 random bytes, base64 or hex. No default: without it no robot channel can be stored or used.
    NOTIFY_SECRET_KEY: secretKey.optional(),
    // The key before a rotation: still decrypts what it encrypted (every write uses NOTIFY_SECRET_KEY).
    NOTIFY_SECRET_KEY_PREVIOUS: secretKey.optional(),
    // How long one POST to a WeCom or DingTalk robot may take.
    NOTIFY_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
    // The delivery pipeline (docs/ARCHITECTURE.md, "Notification pipeline"): alerts for one recipient on one channel
    // within this many seconds are merged into one digest message (the first goes at once).
    NOTIFY_DIGEST_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
    // China time of day during which only P1 and green-channel alerts go by SMS ("HH:MM-HH:MM", may wrap midnight; "off": none).
    NOTIFY_QUIET_HOURS: z
      .string()
      .regex(/^(off|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$/, 'must be HH:MM-HH:MM (China time) or off')
      .default('22:00-08:00'),
    // Attempts per message before it is dead (visible to admins, retried by hand), and the first retry's delay (doubling).
    NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    NOTIFY_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
    // How long a worker may take to send one message before another counts it as died mid-send (the attempt is then in doubt).
    NOTIFY_SEND_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(60),
    // SMS through the operator's SMSC over SMPP 3.4: smpp://host:2775, or ssmpp://host:3550 for TLS. Unset: no SMS channel.
    SMPP_URL: z.url({ protocol: /^s?smpp$/, error: 'must be an smpp:// or ssmpp:// URL' }).optional(),
    // SMPP 3.4 limits system_id to 15 characters and password to 8.
    SMPP_SYSTEM_ID: z.string().max(15, 'must be at most 15 characters (SMPP 3.4)').optional(),
    SMPP_PASSWORD: z.string().max(8, 'must be at most 8 characters (SMPP 3.4)').optional(),
    SMPP_SYSTEM_TYPE: z.string().max(12, 'must be at most 12 characters (SMPP 3.4)').default(''),
    // The number messages come from (the operator's service number), with its type of number and numbering plan.
    SMPP_SOURCE_ADDR: z
      .string()
      .regex(/^[0-9A-Za-z]{1,20}$/, 'must be 1-20 digits or letters')
      .optional(),
    SMPP_SOURCE_TON: z.coerce.number().int().min(0).max(6).default(0),
    SMPP_SOURCE_NPI: z.coerce.number().int().min(0).max(18).default(0),
    // Destination numbering: TON 1 (international) sends 86 + the 11-digit mobile, any other TON the 11 digits alone.
    SMPP_DEST_TON: z.coerce.number().int().min(0).max(6).default(1),
    SMPP_DEST_NPI: z.coerce.number().int().min(0).max(18).default(1),
    SMPP_ENQUIRE_LINK_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
    // How long the SMSC may take to answer one submit_sm, and how many may await an answer at once (the window).
    SMPP_SUBMIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    SMPP_WINDOW: z.coerce.number().int().min(1).max(100).default(10),
    // The throughput the SMSC contract allows, in submit_sm per second; published as the channel's rate limit.
    SMPP_MAX_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(20),
    // Longer texts are cut to this many concatenated segments (67 Chinese characters each).
    SMPP_MAX_SEGMENTS: z.coerce.number().int().min(1).max(255).default(10),
    // E-mail through an SMTP relay. Unset SMTP_HOST: no e-mail channel.
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
    // true: TLS from the first byte (port 465); false: STARTTLS when the relay offers it.
    SMTP_SECURE: bool.default(false),
    // Refuse to send over a connection that did not become TLS (with SMTP_SECURE=false).
    SMTP_REQUIRE_TLS: bool.default(true),
    SMTP_USER: z.string().min(1).optional(),
    SMTP_PASSWORD: z.string().min(1).optional(),
    // The From header, e.g. "Focus One 告警 <alerts@example.cn>".
    SMTP_FROM: z.string().min(3).optional(),
    SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  })
  .superRefine((env, ctx) => {
    if (env.SMPP_URL) {
      for (const name of ['SMPP_SYSTEM_ID', 'SMPP_PASSWORD', 'SMPP_SOURCE_ADDR'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when SMPP_URL is set' });
      }
    }
    if (env.SMTP_HOST && !env.SMTP_FROM)
      ctx.addIssue({ code: 'custom', path: ['SMTP_FROM'], message: 'is required when SMTP_HOST is set' });
    if (Boolean(env.SMTP_USER) !== Boolean(env.SMTP_PASSWORD)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.SMTP_USER ? 'SMTP_PASSWORD' : 'SMTP_USER'],
        message: 'SMTP_USER and SMTP_PASSWORD go together',
      });
    }
    // (Only between two valid counts: a bad one is reported on its own.)
    if (env.AUTH_ADDRESS_RATE_LIMIT_MAX >= 1 && env.AUTH_ADDRESS_RATE_LIMIT_MAX < env.AUTH_RATE_LIMIT_MAX) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_ADDRESS_RATE_LIMIT_MAX'],
        message: 'must be at least AUTH_RATE_LIMIT_MAX (it counts every username of an address together)',
      });
    }
    if (env.NODE_ENV === 'production' && (!env.JWT_SECRET || env.JWT_SECRET.length < 32)) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required in production and must be at least 32 characters',
      });
    }
  });

export type Env = z.infer<typeof envSchema>;
