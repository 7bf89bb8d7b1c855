import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of pattern in stdout+stderr, or rejects after timeoutMs. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Spawns a real process (npm start, the wcs command) with a controlled environment. */
export function spawnProcess(command: string, args: string[], env: Record<string, string>, cwd = ROOT): Spawned {
  const child = spawn(command, args, {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      // The spawned service, CLI or demo may not reach the internet either (npm's update check would try).
      NODE_OPTIONS: `--import ${path.join(ROOT, 'test/setup/no-internet.mjs')}`,
      npm_config_update_notifier: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    for (const l of listeners) l();
  });
  // Done when the child exited AND every process holding its output pipes (npm -> tsx -> node) has closed them.
  const streamClosed = (stream: NodeJS.ReadableStream) => new Promise<void>((resolve) => stream.once('close', () => resolve()));
  const exited = Promise.all([
    new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    streamClosed(child.stdout!),
    streamClosed(child.stderr!),
  ]).then(([code]) => code);
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal = 'SIGTERM') => {
      // The whole group: npm starts tsx which starts node.
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = (out + err).match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`process exited before ${pattern}\nstdout:\n${out}\nstderr:\n${err}`));
          }
        });
      }),
  };
}

/** Runs a command to completion. */
export async function runProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const p = spawnProcess(command, args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/**
 * The `wcs` command run in this process (the same `cli` function bin/wcs.js calls, with the environment given):
 * what the command prints and returns, without a Node and tsx start per line. Each command-line test file keeps
 * runs of the real binary for what only a process shows (its exit code, stdout carrying the key alone).
 */
export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const { cli } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await cli(args, { out: (line) => (stdout += `${line}\n`), err: (line) => (stderr += `${line}\n`) }, env);
  return { code, stdout, stderr };
}
