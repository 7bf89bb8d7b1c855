import type Sqlite from 'better-sqlite3';
import type { Logger } from 'pino';
import type { Config } from '../core/config.js';
import { committedOnReturn, type CommitSync } from '../platform/commit-sync.js';
import type { Db } from '../platform/db.js';
import { openServicePg } from '../platform/pg/open-service-db.js';
import { hidePassword, parsePgUrl } from '../platform/pg/url.js';
import { openDatabase } from '../platform/sqlite.js';
import { WalSync } from '../platform/wal-sync.js';

/** The service's database, whichever backend DATABASE_URL chose, as the composition needs it. */
export interface ServiceDatabase {
  db: Db;
  /** How group commits learn their commits are durable. */
  commitSync: CommitSync;
  /** The SQLite connection (checkpointer, tests); undefined on PostgreSQL. */
  sqlite?: Sqlite.Database;
  /** Where it is, for logs: the file, or the server without its password. */
  display: string;
  close(): Promise<void>;
}

export async function openServiceDatabase(config: Config, logger: Logger): Promise<ServiceDatabase> {
  const location = config.database;
  if (location.kind === 'sqlite') {
    const database = openDatabase(location.file);
    const walSync = new WalSync(database.sqlite);
    // Group commits (inTransaction's deferSync) leave their fsync to this connection's one WalSync.
    database.db.gate.deferredSync = walSync;
    return {
      db: database.db,
      commitSync: walSync,
      sqlite: database.sqlite,
      display: location.file,
      close: async () => {
        // The last deferred syncs (inbox, processing, sends, call log) finish before the connection closes.
        await walSync.close();
        database.close();
      },
    };
  }
  const parsed = parsePgUrl(location.url);
  const opened = await openServicePg(location.url, {
    applicationName: 'wcs',
    // An idle pooled connection that breaks (a server restart) is replaced on next use; say so, never crash.
    onIdleError: (err) => logger.warn({ err: hidePassword(err.message, parsed) }, 'a pooled PostgreSQL connection failed'),
  });
  if (opened.migrations.applied) logger.info({ applied: opened.migrations.applied }, 'applied PostgreSQL migrations');
  return { db: opened.db, commitSync: committedOnReturn, display: parsed.display, close: () => opened.close() };
}
