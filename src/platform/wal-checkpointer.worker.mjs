// Worker thread of wal-checkpointer.ts (plain JavaScript, so it runs the same under tsx, vitest and `npm start`).
// It checkpoints the WAL from its own connection. A PASSIVE checkpoint takes no write lock, so it never makes the
// main connection wait; the copying and the fsyncs of the database file happen here instead of in the event loop.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { file, busyMs, idleMs } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = FULL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let timer;
let stopped = false;

function tick() {
  if (stopped) return;
  let delay = idleMs;
  try {
    const { log, checkpointed } = checkpoint.get();
    // Frames were copied: more are probably arriving, come back sooner.
    if (checkpointed > 0 || log > checkpointed) delay = busyMs;
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
  timer = setTimeout(tick, delay);
}

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  try {
    db.close();
  } finally {
    parentPort.postMessage({ stopped: true });
    parentPort.close();
  }
});

parentPort.postMessage({ ready: true });
tick();
