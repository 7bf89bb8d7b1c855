import pino, { type DestinationStream, type Logger } from 'pino';
import { withoutQueryText } from './db-errors.js';

export type { Logger };

/**
 * Every key that may carry a secret, at any depth we log. The canary tests
 * prove no token reaches a log line; this list is the first line of defence,
 * the second is that secrets are never put into log objects at all.
 */
const REDACT_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'apiToken',
  'accessToken',
  'access_token',
  'input_token',
  'appSecret',
  'app_secret',
  'verifyToken',
  'verify_token',
  'secret',
  'password',
  'apiKey',
  'key',
  'x-hub-signature-256',
  'cookie',
];
const REDACT_PATHS = [
  ...REDACT_KEYS,
  ...REDACT_KEYS.map((k) => `*.${k}`),
  ...REDACT_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'headers.authorization',
];

export interface LoggerOptions {
  level: string;
  pretty?: boolean;
  destination?: DestinationStream;
  /** Fields added to every line, read when it is written (e.g. the request and trace ids of the current request). */
  mixin?: () => Record<string, unknown>;
}

/**
 * drizzle's query errors carry the statement's values in their message, and PostgreSQL's own errors the failing row in
 * `detail`: log the database's error without either (its code, constraint and message say what went wrong).
 */
function serializeError(err: Error): Record<string, unknown> {
  const serialized: Record<string, unknown> = { ...pino.stdSerializers.err(withoutQueryText(err) as Error) };
  delete serialized.detail;
  delete serialized.where;
  delete serialized.internalQuery;
  return serialized;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: undefined,
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.mixin ? { mixin: options.mixin } : {}),
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({ ...base, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(base);
}
