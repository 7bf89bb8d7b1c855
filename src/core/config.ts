import path from 'node:path';
import { z } from 'zod';
import { isPgUrl } from '../platform/pg/url.js';

/**
 * The only reader of process.env. Every setting is parsed and validated here;
 * a bad value stops start-up with a message that names the variable.
 */

const booleanish = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = z.coerce.number().int().positive();

/** The oldest Graph API version whose phone-number fields this service reads. */
export const MIN_GRAPH_API_MAJOR = 24;

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//.test(u), 'must start with http:// or https://')
    .optional(),
  DATABASE_URL: z.string().min(1).default('file:./data/wcs.sqlite'),
  /** With a PostgreSQL DATABASE_URL: the folder for local files (the generated dev encryption key). */
  DATA_DIR: z.string().min(1).optional(),
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => {
      try {
        return Buffer.from(v, 'base64').length === 32;
      } catch {
        return false;
      }
    }, 'must be base64 of exactly 32 bytes (openssl rand -base64 32)')
    .optional(),
  META_GRAPH_URL: z.string().url().optional(),
  META_GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v25.0')
    // Every phone-number read asks for whatsapp_business_manager_messaging_limit, which Meta added in v24.0.
    .refine(
      (v) => Number(v.slice(1).split('.')[0]) >= MIN_GRAPH_API_MAJOR,
      `must be v${MIN_GRAPH_API_MAJOR}.0 or later: earlier Graph API versions lack whatsapp_business_manager_messaging_limit, which every phone-number read asks for`,
    )
    .default('v25.0'),
  META_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  META_HEADERS_TIMEOUT_MS: positiveInt.default(10_000),
  META_BODY_TIMEOUT_MS: positiveInt.default(10_000),
  META_CALL_TIMEOUT_MS: positiveInt.default(30_000),
  META_SEND_RETRY_DEADLINE_MS: positiveInt.default(15 * 60_000),
  META_PAIR_INTERVAL_MS: positiveInt.default(6_000),
  SEND_OUTCOME_UNKNOWN_DEADLINE_MS: positiveInt.default(60 * 60_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: booleanish.optional(),
  GRAPHQL_MAX_BODY_BYTES: positiveInt.default(1_048_576),
  GRAPHQL_RESPONSE_CACHE_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(16 * 1024 * 1024),
  WEBHOOK_MAX_BODY_BYTES: positiveInt.default(3 * 1024 * 1024 + 64 * 1024),
  WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: positiveInt.default(20),
  WS_MAX_PAYLOAD_BYTES: positiveInt.default(64 * 1024),
  STREAM_KEY_RECHECK_MS: positiveInt.default(60_000),
  WS_MAX_CONNECTIONS: positiveInt.default(10_000),
  WS_MAX_CONNECTIONS_PER_KEY: positiveInt.default(1_000),
  JOB_LEASE_MS: positiveInt.default(60_000),
  JOB_POLL_INTERVAL_MS: positiveInt.default(500),
  PHONE_NUMBER_REFRESH_INTERVAL_MS: positiveInt.default(15 * 60_000),
  WEBHOOK_DELIVERY_RETENTION_DAYS: positiveInt.default(14),
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  READYZ_MIN_FREE_BYTES: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(64 * 1024 * 1024),
  CORS_ORIGINS: z.string().optional(),
  CONSOLE_ROOT_REDIRECT: booleanish.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)').optional(),
  /** With PostgreSQL: cluster-wide send pacing on this Redis (else the PostgreSQL fallback); SQLite paces in process. */
  REDIS_URL: z
    .string()
    .refine(isRedisUrl, 'must be redis://[user:password@]host[:port][/db] or rediss://… (e.g. redis://127.0.0.1:6379)')
    .optional(),
});

/** A URL the Redis client can open: redis: or rediss: with a host (the message never echoes it: it may hold a password). */
function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value.trim());
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

export type Env = z.infer<typeof envSchema>;

export type DatabaseLocation =
  | {
      kind: 'sqlite';
      /** Absolute path of the SQLite file, or ':memory:'. */
      file: string;
      /** Folder for files that live next to the database (the generated dev encryption key). */
      dataDir: string;
    }
  | {
      kind: 'postgres';
      /** The postgres:// URL as given (it may hold a password: never log it; platform/pg/url.ts hidePassword). */
      url: string;
      /** Folder for local files (the generated dev encryption key): DATA_DIR, default ./data. */
      dataDir: string;
    };

export interface Config {
  env: Env['NODE_ENV'];
  isProduction: boolean;
  port: number;
  host: string;
  /** Base of callback and link URLs; defaults to http://localhost:PORT outside production. */
  publicUrl: string;
  database: DatabaseLocation;
  /** base64 key from the environment; undefined outside production means "use the data folder's key". */
  encryptionKey: string | undefined;
  meta: {
    /** undefined outside production means "run the simulator in-process". */
    graphUrl: string | undefined;
    apiVersion: string;
    /** callMs: overall deadline of one HTTP call, whatever the other timers say (a drip-fed body resets them). */
    timeouts: { connectMs: number; headersMs: number; bodyMs: number; callMs: number };
    /** A send Meta refused for now (5xx, throttled, unreachable before writing) is retried until this long after its first try. */
    sendRetryDeadlineMs: number;
    /** Meta's pair rate: the spacing of messages from one sender to one user (6 s; tests shorten it). */
    pairIntervalMs: number;
    /** A send whose outcome is unknown becomes UNKNOWN when no status webhook settled it this long after it was tried. */
    outcomeUnknownDeadlineMs: number;
  };
  log: { level: Env['LOG_LEVEL']; pretty: boolean };
  limits: {
    graphqlMaxBodyBytes: number;
    /** Room for kept answers of configuration reads (graphql/response-cache.ts); 0 keeps none. SQLite only. */
    graphqlResponseCacheBytes: number;
    webhookMaxBodyBytes: number;
    wsMaxSubscriptionsPerConnection: number;
    wsMaxPayloadBytes: number;
    /** How often a live stream (WebSocket, SSE) checks that its API key is still active. */
    streamKeyRecheckMs: number;
    /** Open graphql-ws connections, in total and per API key. */
    wsMaxConnections: number;
    wsMaxConnectionsPerKey: number;
  };
  jobs: { leaseMs: number; pollIntervalMs: number };
  phoneNumberRefreshIntervalMs: number;
  /** Processed webhook deliveries are kept this long (twice Meta's 7-day retry window, so duplicates are still recognised). */
  webhookDeliveryRetentionMs: number;
  shutdownTimeoutMs: number;
  /** /readyz answers 503 when the database's disk has less free space than this. */
  readyzMinFreeBytes: number;
  corsOrigins: string[];
  /** `/` redirects to the admin console at /console (default outside production). */
  consoleRootRedirect: boolean;
  /** GET /metrics needs `Authorization: Bearer <token>`; without a token /metrics is off. */
  metrics: { token: string | undefined };
  /**
   * Send pacing: redisUrl (REDIS_URL; it may hold a password, never log it) makes a PostgreSQL cluster pace each
   * sender on Redis; without it PostgreSQL paces; SQLite mode ignores it and paces in process.
   */
  pacing: { redisUrl: string | undefined };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function parseDatabaseUrl(url: string, cwd = process.cwd(), dataDir?: string): DatabaseLocation {
  if (url === ':memory:' || url === 'file::memory:') {
    return { kind: 'sqlite', file: ':memory:', dataDir: path.resolve(cwd, 'data') };
  }
  if (isPgUrl(url)) return { kind: 'postgres', url: url.trim(), dataDir: path.resolve(cwd, dataDir ?? 'data') };
  const raw = url.replace(/^(sqlite|file):(\/\/)?/, '');
  if (!raw) throw new ConfigError(['DATABASE_URL: empty SQLite path']);
  const file = path.resolve(cwd, raw);
  return { kind: 'sqlite', file, dataDir: path.dirname(file) };
}

/** Parses an environment (process.env by default) into a typed Config, or throws ConfigError. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset", as in most .env files.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? '?')}: ${i.message}`));
  }
  const env = parsed.data;
  const isProduction = env.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !env.ENCRYPTION_KEY) problems.push('ENCRYPTION_KEY: required when NODE_ENV=production');
  if (isProduction && !env.PUBLIC_URL) problems.push('PUBLIC_URL: required when NODE_ENV=production');

  if (problems.length) throw new ConfigError(problems);

  const database = parseDatabaseUrl(env.DATABASE_URL, process.cwd(), env.DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return {
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host: env.HOST,
    publicUrl,
    database,
    encryptionKey: env.ENCRYPTION_KEY,
    meta: {
      graphUrl: env.META_GRAPH_URL?.replace(/\/+$/, '') ?? (isProduction ? 'https://graph.facebook.com' : undefined),
      apiVersion: env.META_GRAPH_API_VERSION,
      timeouts: {
        connectMs: env.META_CONNECT_TIMEOUT_MS,
        headersMs: env.META_HEADERS_TIMEOUT_MS,
        bodyMs: env.META_BODY_TIMEOUT_MS,
        callMs: env.META_CALL_TIMEOUT_MS,
      },
      sendRetryDeadlineMs: env.META_SEND_RETRY_DEADLINE_MS,
      pairIntervalMs: env.META_PAIR_INTERVAL_MS,
      outcomeUnknownDeadlineMs: env.SEND_OUTCOME_UNKNOWN_DEADLINE_MS,
    },
    log: { level: env.LOG_LEVEL, pretty: env.LOG_PRETTY ?? (!isProduction && Boolean(process.stdout.isTTY)) },
    limits: {
      graphqlMaxBodyBytes: env.GRAPHQL_MAX_BODY_BYTES,
      graphqlResponseCacheBytes: env.GRAPHQL_RESPONSE_CACHE_BYTES,
      webhookMaxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
      wsMaxSubscriptionsPerConnection: env.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
      wsMaxPayloadBytes: env.WS_MAX_PAYLOAD_BYTES,
      streamKeyRecheckMs: env.STREAM_KEY_RECHECK_MS,
      wsMaxConnections: env.WS_MAX_CONNECTIONS,
      wsMaxConnectionsPerKey: env.WS_MAX_CONNECTIONS_PER_KEY,
    },
    jobs: { leaseMs: env.JOB_LEASE_MS, pollIntervalMs: env.JOB_POLL_INTERVAL_MS },
    phoneNumberRefreshIntervalMs: env.PHONE_NUMBER_REFRESH_INTERVAL_MS,
    webhookDeliveryRetentionMs: env.WEBHOOK_DELIVERY_RETENTION_DAYS * 24 * 3600_000,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    readyzMinFreeBytes: env.READYZ_MIN_FREE_BYTES,
    corsOrigins: env.CORS_ORIGINS
      ? env.CORS_ORIGINS.split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [],
    consoleRootRedirect: env.CONSOLE_ROOT_REDIRECT ?? !isProduction,
    metrics: { token: env.METRICS_TOKEN },
    pacing: { redisUrl: env.REDIS_URL?.trim() },
  };
}
