import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A PostgreSQL server of one test's own, for tests that crash or restart the database: the shared server on 5432
 * must never be restarted. Its data folder is a temporary folder owned by the `postgres` user (initdb and postgres
 * refuse to run as root), trust authentication, listening on 127.0.0.1 on a free port, its socket in the folder,
 * fsync on and synchronous_commit on (a crash loses nothing committed, as in production). Binaries from
 * WCS_PG_BIN (default /usr/lib/postgresql/15/bin).
 *
 *   const server = await startPrivatePg();      // skip with privatePg.reason when !privatePg.available
 *   server.url('postgres')                       // postgres://postgres@127.0.0.1:<port>/postgres
 *   await server.crash(); await server.start();  // pg_ctl stop -m immediate (a crash), then up again
 *   await server.destroy();
 */

const run = promisify(execFile);
const BIN = process.env.WCS_PG_BIN || '/usr/lib/postgresql/15/bin';
const OS_USER = 'postgres';

function probe(): { available: boolean; reason: string } {
  if (!fs.existsSync(path.join(BIN, 'pg_ctl'))) return { available: false, reason: `no PostgreSQL binaries in ${BIN}` };
  const asRoot = process.getuid?.() === 0;
  if (!asRoot && os.userInfo().username !== OS_USER)
    return { available: false, reason: `a private PostgreSQL needs root (runuser -u ${OS_USER}) or the ${OS_USER} user` };
  return { available: true, reason: '' };
}

/** Whether a private server can be started here, and why not. */
export const privatePg = probe();

export interface PrivatePg {
  port: number;
  dataDir: string;
  /** A URL of a database on this server (trust: no password). */
  url(database: string): string;
  /** pg_ctl start, waiting until it accepts connections. */
  start(): Promise<void>;
  /** pg_ctl stop -m immediate: every backend killed at once and no shutdown checkpoint, like a power cut to the server process. */
  crash(): Promise<void>;
  /** pg_ctl stop -m fast. */
  stop(): Promise<void>;
  /** Stops it (if running) and removes its folder. */
  destroy(): Promise<void>;
  /** Its log so far (for a failing test's message). */
  log(): string;
}

/** Runs a PostgreSQL tool as the postgres user (directly when this process is that user). */
async function asPostgres(tool: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const file = path.join(BIN, tool);
  const [cmd, argv] = process.getuid?.() === 0 ? ['runuser', ['-u', OS_USER, '--', file, ...args]] : [file, args];
  const { stdout } = await run(cmd, argv, { timeout: timeoutMs, cwd: os.tmpdir() });
  return stdout;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrivatePg(): Promise<PrivatePg> {
  if (!privatePg.available) throw new Error(privatePg.reason);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-private-pg-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', OS_USER]);
    const { stdout: gid } = await run('id', ['-g', OS_USER]);
    fs.chownSync(root, Number(stdout.trim()), Number(gid.trim()));
  }
  fs.chmodSync(root, 0o700);
  await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C'], 120_000);
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${root}`,
    "-c listen_addresses='127.0.0.1'",
    '-c fsync=on',
    '-c synchronous_commit=on',
    '-c max_connections=60',
    '-c shared_buffers=16MB',
  ].join(' ');
  let running = false;
  const server: PrivatePg = {
    port,
    dataDir,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    start: async () => {
      await asPostgres('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'], 90_000);
      running = true;
    },
    crash: async () => {
      await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      running = false;
    },
    stop: async () => {
      await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
      running = false;
    },
    destroy: async () => {
      if (running) await server.crash().catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
  };
  try {
    await server.start();
  } catch (err) {
    const log = server.log();
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`private PostgreSQL did not start: ${err instanceof Error ? err.message : String(err)}\n${log}`);
  }
  return server;
}
