import { PgDatabaseError } from './errors.js';

/** A PostgreSQL URL, checked, with what may be shown of it (never the password). */
export interface PgLocation {
  connectionString: string;
  host: string;
  port: number;
  database: string;
  /** host:port/database, for logs and errors. */
  display: string;
}

export function isPgUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url.trim());
}

/** Parses postgres://user[:password]@host[:port]/database[?…]; a malformed one is a PG_BAD_URL error. */
export function parsePgUrl(url: string): PgLocation {
  const raw = url.trim();
  if (!isPgUrl(raw)) throw new PgDatabaseError('PG_BAD_URL', 'PostgreSQL URL must start with postgres:// or postgresql://');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new PgDatabaseError('PG_BAD_URL', 'PostgreSQL URL is not a valid URL (expected postgres://user@host:5432/database)');
  }
  const host = parsed.hostname;
  if (!host) throw new PgDatabaseError('PG_BAD_URL', 'PostgreSQL URL names no host (expected postgres://user@host:5432/database)');
  const port = parsed.port ? Number(parsed.port) : 5432;
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new PgDatabaseError('PG_BAD_URL', `PostgreSQL URL for ${host}:${port} names no database (expected …/database)`);
  }
  return { connectionString: raw, host, port, database, display: `${host}:${port}/${database}` };
}

/** message with the URL's password (if it has one) replaced by ***: a driver's error may echo it. */
export function hidePassword(message: string, location: Pick<PgLocation, 'connectionString'>): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(location.connectionString).password);
  } catch {
    // no password to hide
  }
  return password ? message.split(password).join('***') : message;
}
