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
  })
  .superRefine((env, ctx) => {
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
