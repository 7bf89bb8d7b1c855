import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the read-path benchmarks share: child servers that print one JSON "ready" line, their CPU time from
 * /proc/<pid>/stat (robust to a busy machine: it counts only that process), medians and percentiles, and markdown.
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process in µs, all threads (/proc/<pid>/stat fields 14 and 15). */
export function procCpuUs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / CLOCK_TICKS;
}

/** Resident set size of a process in bytes (/proc/<pid>/status VmRSS). */
export function procRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '—';

export function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export interface Child<R> {
  proc: ChildProcess;
  ready: R;
  cpuUs(): number;
  rssBytes(): number;
  /** Asks the child something (answerQueries in the child); 'gc' runs its GC (children start with --expose-gc). */
  ask<T = unknown>(q: string): Promise<T>;
  stop(): Promise<void>;
}

/** Starts `file --serve <args>` under tsx and waits for its `{"ready":true,…}` line on stdout. */
export function startChild<R>(file: string, args: string[], env: Record<string, string> = {}): Promise<Child<R>> {
  const extra = (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, ['--expose-gc', ...extra, '--import', 'tsx', file, '--serve', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        let msg: { ready?: boolean } | undefined;
        try {
          msg = JSON.parse(line) as { ready?: boolean };
        } catch {
          continue; // a log line
        }
        if (!msg.ready) continue;
        const pid = proc.pid!;
        resolve({
          proc,
          ready: msg as R,
          cpuUs: () => procCpuUs(pid),
          rssBytes: () => procRssBytes(pid),
          ask: <T>(q: string) =>
            new Promise<T>((done) => {
              const onMessage = (msg: { a?: string; value?: T }) => {
                if (msg?.a !== q) return;
                proc.off('message', onMessage);
                done(msg.value as T);
              };
              proc.on('message', onMessage);
              proc.send({ q });
            }),
          stop: async () => {
            if (proc.exitCode !== null) return;
            const exited = new Promise((r) => proc.once('exit', r));
            proc.kill('SIGTERM');
            const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
            await exited;
            clearTimeout(timer);
          },
        });
      }
    });
    proc.once('exit', (code) => reject(new Error(`${path.basename(file)} ${args.join(' ')} exited (${code}) before it was ready`)));
  });
}

/** In a child: answers the parent's questions ('gc' is built in). */
export function answerQueries(answers: Record<string, () => unknown> = {}): void {
  process.on('message', (msg: { q?: string }) => {
    if (!msg?.q) return;
    if (msg.q === 'gc') (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ a: msg.q, value: answers[msg.q]?.() ?? null });
  });
}

/** Appends one benchmark's markdown section to BENCH_SUMMARY_FILE (npm run bench collects them). */
export function writeSummary(title: string, markdown: string): void {
  const file = process.env.BENCH_SUMMARY_FILE;
  if (!file) return;
  fs.appendFileSync(file, `### ${title}\n\n${markdown}\n\n`);
}
