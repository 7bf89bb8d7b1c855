import { Worker } from 'node:worker_threads';
import type Sqlite from 'better-sqlite3';
import type { Logger } from 'pino';

/**
 * Moves WAL checkpoints off the event loop. With wal_autocheckpoint=1000 the
 * connection that commits the 1000th frame copies the WAL into the database
 * file and fsyncs both, inside its COMMIT: under webhook load that was about
 * 20 stalls a second of ~5 ms each, a tenth of the event loop and the whole of
 * its p99. A worker thread with its own connection checkpoints instead
 * (PASSIVE: no write lock, so the main connection never waits for it).
 *
 * The main connection keeps a backstop: its auto-checkpoint stays on at a
 * higher threshold, so the WAL stays bounded (and restarts from the beginning)
 * even under sustained writes or if the worker dies; by then the worker has
 * copied almost everything, so that checkpoint is small. When the worker stops
 * or fails, the normal threshold comes back.
 */

const NORMAL_AUTOCHECKPOINT = 1000;
const BACKSTOP_AUTOCHECKPOINT = 8000;

export interface WalCheckpointer {
  /** Stops the worker and closes its connection (before the main connection closes, which then cleans up the WAL). */
  stop(): Promise<void>;
}

export function startWalCheckpointer(sqlite: Sqlite.Database, logger: Logger): WalCheckpointer | null {
  if (sqlite.memory || String(sqlite.pragma('journal_mode', { simple: true })) !== 'wal') return null;
  const worker = new Worker(new URL('./wal-checkpointer.worker.mjs', import.meta.url), {
    workerData: { file: sqlite.name, busyMs: 10, idleMs: 100 },
    // Plain JavaScript: no TypeScript loader needed (and none inherited from tsx or vitest).
    execArgv: [],
  });
  worker.unref();
  let running = false;
  const fallBack = () => {
    if (!running) return;
    running = false;
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${NORMAL_AUTOCHECKPOINT}`);
  };
  worker.on('message', (message: { ready?: boolean; error?: string }) => {
    if (message.ready && sqlite.open) {
      running = true;
      sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT}`);
    }
    if (message.error) logger.warn({ error: message.error }, 'WAL checkpoint failed; will retry');
  });
  worker.on('error', (err) => {
    logger.error({ err }, 'WAL checkpointer stopped; checkpoints run in the event loop again');
    fallBack();
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  void exited.then(fallBack);

  return {
    stop: async () => {
      fallBack();
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
