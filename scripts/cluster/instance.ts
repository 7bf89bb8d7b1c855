import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'src/main.ts');

/** Output kept per instance for diagnostics (the tail: a long run must not grow without bound). */
const KEEP_OUTPUT_CHARS = 256 * 1024;

export interface InstanceSpec {
  /** 1-based, as the cluster prints it. */
  index: number;
  port: number;
  /** The whole environment of the process (the caller decides what passes through). */
  env: Record<string, string>;
  /** Each output line as it comes (`npm run cluster` prefixes and prints them); default: kept only. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Extra node flags (tests: the no-internet guard). */
  nodeArgs?: string[];
}

/**
 * One service instance as a real process: `node --import tsx src/main.ts` in a process group of its own, so a
 * kill reaches it whole. start() may be called again after it exited (restart on the same port).
 */
export class InstanceProcess {
  private child: ChildProcess | null = null;
  private exitedPromise: Promise<number | null> = Promise.resolve(null);
  private output = '';
  private waiters = new Set<() => void>();
  /** Set when the process exits; null while it runs. */
  exitCode: number | null | undefined = undefined;

  constructor(readonly spec: InstanceSpec) {}

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== null && this.exitCode === undefined;
  }

  /** Everything it printed (the last KEEP_OUTPUT_CHARS), both streams interleaved. */
  text(): string {
    return this.output;
  }

  start(): void {
    if (this.running) throw new Error(`instance ${this.spec.index} is already running (pid ${this.pid})`);
    this.exitCode = undefined;
    const child = spawn(process.execPath, [...(this.spec.nodeArgs ?? []), '--import', 'tsx', MAIN], {
      cwd: ROOT,
      env: { ...this.spec.env, PORT: String(this.spec.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    const pipe = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
      let partial = '';
      stream.on('data', (d: Buffer) => {
        const text = d.toString();
        this.output = (this.output + text).slice(-KEEP_OUTPUT_CHARS);
        if (this.spec.onLine) {
          const lines = (partial + text).split('\n');
          partial = lines.pop()!;
          for (const line of lines) this.spec.onLine(line, name);
        }
        for (const w of this.waiters) w();
      });
    };
    pipe(child.stdout!, 'stdout');
    pipe(child.stderr!, 'stderr');
    const closed = (s: NodeJS.ReadableStream) => new Promise<void>((resolve) => s.once('close', () => resolve()));
    this.exitedPromise = Promise.all([
      new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null)))),
      closed(child.stdout!),
      closed(child.stderr!),
    ]).then(([code]) => {
      this.exitCode = code;
      for (const w of this.waiters) w();
      return code;
    });
  }

  /** Resolves when the process (and its output pipes) are gone. */
  exited(): Promise<number | null> {
    return this.exitedPromise;
  }

  /** Sends a signal to the whole process group; nothing when it is not running. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (!this.running || !this.child?.pid) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // already gone
    }
  }

  /** SIGTERM (graceful: the service finishes its jobs), SIGKILL after graceMs. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.running) return this.exitedPromise.then(() => undefined);
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /** The first match of pattern in its output; rejects when it exits first or after timeoutMs. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.output.match(pattern);
        if (match) finish(() => resolve(match));
        else if (this.exitCode !== undefined) finish(() => reject(this.failure(`exited (code ${this.exitCode}) before ${pattern}`)));
      };
      const finish = (fn: () => void) => {
        this.waiters.delete(check);
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(
        () => finish(() => reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${pattern}`))),
        timeoutMs,
      );
      this.waiters.add(check);
      check();
    });
  }

  /** Polls GET /readyz until it answers 200; rejects when the process exits or after timeoutMs. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exitCode !== undefined) throw this.failure(`exited (code ${this.exitCode}) before it was ready`);
      if ((await readyzStatus(this.url)) === 200) return;
      await sleep(150);
    }
    throw this.failure(`was not ready within ${timeoutMs} ms`);
  }

  private failure(what: string): Error {
    return new Error(`instance ${this.spec.index} (port ${this.spec.port}) ${what}; its last output:\n${this.output.slice(-6_000)}`);
  }
}

/** The status of GET /readyz, or 0 when nothing answered. */
export function readyzStatus(baseUrl: string, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${baseUrl}/readyz`, { timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}
