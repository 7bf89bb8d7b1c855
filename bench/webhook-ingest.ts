/**
 * Webhook ingest benchmark: the real service (startServer, SQLite file,
 * synchronous=FULL, group commit, ack after the durable commit) against a raw
 * node:http server that reads the same bodies and answers 200, measured in the
 * same run on the same machine. Each server runs in its own child process;
 * autocannon runs here, so client and server do not share a core.
 *
 *   npx tsx bench/webhook-ingest.ts                          # 3 rounds x (raw, service, ack path, distinct bodies), ~3 min
 *   BENCH_REPS=1 BENCH_SECONDS=5 npx tsx bench/webhook-ingest.ts
 *   BENCH_CASES=service BENCH_REPS=1 BENCH_CHILD_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/webhook-ingest.ts
 *
 * Prints req/s, p50/p99 latency, CPU per request and the ratio service/raw for
 * every round, then the medians. Target: >= 0.35. See bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BigCase, Stall } from './webhook-big-delivery.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const APP_SECRET = 'bench-app-secret-0123456789abcdef';
const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const WARMUP_SECONDS = 2;
const DISTINCT_BODIES = 64;
const TARGET = 0.35;
/** Before each case, wait (up to QUIET_WAIT_S) until other processes use less than this many cores. */
const QUIET_CORES = Number(process.env.BENCH_QUIET_CORES ?? 0.15);
const QUIET_WAIT_S = Number(process.env.BENCH_QUIET_WAIT_S ?? 60);

const CASES = {
  raw: 'raw node:http (read body, 200)',
  service: 'service, processing on',
  ack: 'service, ack path only (jobs paused)',
  distinct: 'service, processing on, distinct bodies',
  big: 'service, one big delivery at a time, other requests meanwhile',
} as const;
type CaseName = keyof typeof CASES;

// ---- children ----------------------------------------------------------------------

interface ChildQuery {
  q: 'cpu' | 'backlog' | 'stall';
}

/** CPU time of the main (event-loop) thread alone, in µs (Linux /proc; 0 elsewhere): the budget that decides req/s. */
function mainThreadCpuUs(): number {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // utime + stime in USER_HZ (100)
  } catch {
    return 0;
  }
}

/** The orchestrator asks each server for its CPU time (µs per request is the load-independent figure) and backlog. */
function answerQueries(backlog: () => number | Promise<number>, stall: () => unknown = () => null): void {
  process.on('message', (msg: ChildQuery) => {
    if (msg.q === 'cpu') process.send?.({ cpu: process.cpuUsage(), mainThreadUs: mainThreadCpuUs() });
    if (msg.q === 'backlog') void Promise.resolve(backlog()).then((n) => process.send?.({ backlog: n }));
    if (msg.q === 'stall') process.send?.({ stall: stall() });
  });
}

/** The raw baseline: read the whole body, answer 200. */
function serveRaw(): void {
  answerQueries(() => 0);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 });
      res.end('OK');
    });
  });
  server.keepAliveTimeout = 5_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ ready: true, url: `http://127.0.0.1:${port}/webhook` })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

/**
 * The real service with one sandbox, credential and webhook; prints the callback URL. Only the big-delivery
 * case samples loop stalls: the probe reads /proc every 5 ms, which the throughput cases must not pay for.
 */
async function serveService(startJobs: boolean, probeStalls: boolean): Promise<void> {
  const { startBenchService } = await import('./bench-service.js');
  const credentials = await import('../src/credentials/service.js');
  const webhooks = await import('../src/webhooks/service.js');
  const { DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const { readPragmas } = await import('../src/platform/db.js');

  // No META_GRAPH_URL: the service runs its built-in Meta simulator for the credential check.
  const { loopStallProbe } = await import('./webhook-big-delivery.js');
  const stall = probeStalls ? loopStallProbe() : () => null;
  const { server, deps, viewer, key } = await startBenchService(
    {},
    {
      startJobs,
      // SQLite only (the PostgreSQL pool is closing by then); the counts are a cross-check, not a figure.
      onStop: () => {
        if (!server.sqlite) return;
        const counts = server.sqlite.prepare('SELECT outcome, count(*) AS n FROM webhook_deliveries GROUP BY outcome').all();
        process.stdout.write(`${JSON.stringify({ counts })}\n`);
      },
    },
  );
  const credential = await credentials.createCredential(deps, viewer, {
    name: 'bench',
    apiToken: DEFAULT_IDS.token.systemUser,
    businessAccountId: DEFAULT_IDS.business.acme,
    whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
    phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
  });
  const webhook = await webhooks.createWebhook(deps, viewer, {
    name: 'bench',
    apiCredentialId: credential.id,
    appSecret: APP_SECRET,
    keywordRules: [],
  });
  const PENDING = "SELECT count(*)::int AS n FROM webhook_deliveries WHERE outcome = 'PENDING'";
  const pending = server.sqlite?.prepare(PENDING.replace('::int', '')).pluck();
  const db = deps.db;
  answerQueries(async () => {
    if (pending) return pending.get() as number;
    if (db.backend !== 'pg') return 0;
    return (await db.$client.query<{ n: number }>(PENDING)).rows[0]!.n;
  }, stall);
  const url = `${server.url}${new URL(webhooks.callbackUrl(deps, webhook)).pathname}`;
  // The durability the answers wait for: SQLite's pragmas, or PostgreSQL's synchronous_commit (checked at start).
  const pragmas = server.sqlite ? readPragmas(server.sqlite) : { synchronous: 'synchronous_commit=on', journal_mode: 'postgresql' };
  const ready = { ready: true, url, base: server.url, key, synchronous: pragmas.synchronous, journal: pragmas.journal_mode };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

// ---- orchestrator ------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  info: { url: string; base?: string; key?: string; synchronous?: number; journal?: string };
  lines: string[];
}

function startChild(name: CaseName): Promise<Child> {
  const extra = (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...extra, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', name], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        lines.push(line);
        try {
          const msg = JSON.parse(line) as { ready?: boolean; url?: string };
          if (msg.ready) resolve({ proc, info: msg as Child['info'], lines });
        } catch {
          // a log line
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`${name} server exited (${code}) before it was ready`)));
  });
}

async function stopChild(child: Child): Promise<string[]> {
  const exited = new Promise((r) => child.proc.once('exit', r));
  child.proc.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  if (child.proc.exitCode === null) child.proc.kill('SIGKILL');
  return child.lines;
}

function ask<T>(child: Child, q: ChildQuery['q']): Promise<T> {
  return new Promise((resolve) => {
    child.proc.once('message', (msg: T) => resolve(msg));
    child.proc.send({ q });
  });
}

async function cpuOf(child: Child): Promise<{ total: number; main: number }> {
  const msg = await ask<{ cpu: NodeJS.CpuUsage; mainThreadUs: number }>(child, 'cpu');
  return { total: msg.cpu.user + msg.cpu.system, main: msg.mainThreadUs };
}

/** Busy CPU of the whole machine in µs (Linux /proc/stat, USER_HZ = 100; 0 elsewhere). */
function machineBusyUs(): number {
  try {
    const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return ((total - idle) * 1e6) / 100;
  } catch {
    return 0;
  }
}

/** The machine is shared: wait until other processes use less than QUIET_CORES (bounded), so rounds are comparable. */
async function waitForQuiet(): Promise<number> {
  const deadline = Date.now() + QUIET_WAIT_S * 1000;
  for (;;) {
    const busy0 = machineBusyUs();
    const self0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 1_000));
    const self = process.cpuUsage(self0);
    const cores = (machineBusyUs() - busy0 - self.user - self.system) / ((performance.now() - t0) * 1000);
    if (cores < QUIET_CORES || Date.now() > deadline) return Math.max(0, cores);
  }
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  total: number;
  /** Server process CPU (all threads) per request, µs. */
  cpuUs: number;
  /** Server event-loop thread CPU per request, µs. */
  mainUs: number;
  /** Cores used by other processes on the machine during the window (noise). */
  otherCores: number;
  /** Deliveries still PENDING when the load stopped, and seconds until processing caught up (processing on only). */
  backlog?: number;
  catchUpS?: number;
}

async function load(child: Child, requests: autocannon.Request[], seconds: number): Promise<Measured> {
  const cpuBefore = await cpuOf(child);
  const selfBefore = process.cpuUsage();
  const busyBefore = machineBusyUs();
  const started = performance.now();
  const result = await autocannon({ url: child.info.url, connections: CONNECTIONS, duration: seconds, requests, pipelining: 1 });
  const elapsedUs = (performance.now() - started) * 1000;
  const busy = machineBusyUs() - busyBefore;
  const self = process.cpuUsage(selfBefore);
  const cpuAfter = await cpuOf(child);
  const n = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
    cpuUs: (cpuAfter.total - cpuBefore.total) / n,
    mainUs: (cpuAfter.main - cpuBefore.main) / n,
    otherCores: Math.max(0, (busy - (cpuAfter.total - cpuBefore.total) - self.user - self.system) / elapsedUs),
  };
}

/** How long processing needs, after the load stops, to empty the inbox. */
async function catchUp(child: Child): Promise<{ backlog: number; catchUpS: number }> {
  const started = Date.now();
  const backlog = (await ask<{ backlog: number }>(child, 'backlog')).backlog;
  let left = backlog;
  while (left > 0 && Date.now() - started < 60_000) {
    await new Promise((r) => setTimeout(r, 100));
    left = (await ask<{ backlog: number }>(child, 'backlog')).backlog;
  }
  return { backlog, catchUpS: left > 0 ? Infinity : (Date.now() - started) / 1000 };
}

async function measure(name: CaseName, requests: autocannon.Request[]): Promise<{ m: Measured; child: Child; lines: string[] }> {
  await waitForQuiet();
  const child = await startChild(name);
  await load(child, requests, WARMUP_SECONDS);
  const m = await load(child, requests, SECONDS);
  if (name === 'service' || name === 'distinct') Object.assign(m, await catchUp(child));
  const lines = await stopChild(child);
  return { m, child, lines };
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};

function row(label: string, m: Measured, ratio: number | null): string {
  const cells = [
    label.padEnd(40),
    fmt(m.rps).padStart(8),
    fmt(m.p50, 1).padStart(6),
    fmt(m.p99, 1).padStart(6),
    String(m.non2xx).padStart(7),
    fmt(m.cpuUs).padStart(10),
    fmt(m.mainUs).padStart(11),
    fmt(m.otherCores, 2).padStart(6),
    ratio === null ? '' : fmt(ratio, 3).padStart(6),
  ];
  return cells.join('  ');
}
const HEAD = [
  'case'.padEnd(40),
  'req/s'.padStart(8),
  'p50 ms'.padStart(6),
  'p99 ms'.padStart(6),
  'non-2xx'.padStart(7),
  'CPU µs/req'.padStart(10),
  'loop µs/req'.padStart(11),
  'other'.padStart(6),
  'ratio'.padStart(6),
].join('  ');

async function main(): Promise<void> {
  const started = Date.now();
  const requests = await buildRequests();
  const distinctRequest = await buildDistinctRequest();
  const bytes = requests.reduce((n, r) => n + Buffer.byteLength(String(r.body)), 0) / requests.length;
  const chosen = (process.env.BENCH_CASES ?? 'raw,service,ack,distinct,big').split(',');
  const cases = chosen.filter((c): c is Exclude<CaseName, 'big'> => c in CASES && c !== 'big');
  console.log(
    `webhook ingest: ${CONNECTIONS} connections, ${REPS} round(s) of ${SECONDS} s per case after a ${WARMUP_SECONDS} s warm-up, ${DISTINCT_BODIES} signed bodies of ~${fmt(bytes)} bytes, ${os.cpus().length} CPUs, Node ${process.version}`,
  );
  console.log('CPU µs/req: all server threads; loop µs/req: the event-loop thread alone; other: cores used by other processes meanwhile');

  if (chosen.includes('big')) await runBig();
  if (!cases.length) return;
  const results = new Map<CaseName, Measured[]>(cases.map((c) => [c, []]));
  const ratios = new Map<CaseName, number[]>(cases.map((c) => [c, []]));
  let info: Child['info'] | undefined;
  const counts = new Map<CaseName, string>();
  for (let rep = 1; rep <= REPS; rep++) {
    console.log(`\nround ${rep}\n${HEAD}`);
    let raw: Measured | undefined;
    for (const name of cases) {
      const { m, child, lines } = await measure(name, name === 'distinct' ? [distinctRequest] : requests);
      results.get(name)!.push(m);
      if (name === 'raw') raw = m;
      const ratio = raw && name !== 'raw' ? m.rps / raw.rps : null;
      if (ratio !== null) ratios.get(name)!.push(ratio);
      if (name !== 'raw') info = child.info;
      if (name === 'service' || name === 'distinct') counts.set(name, lines.find((l) => l.includes('counts')) ?? '');
      console.log(row(CASES[name], m, name === 'raw' ? 1 : ratio));
      if (m.backlog !== undefined) {
        console.log(
          `${''.padEnd(40)}  processing: ${fmt(m.backlog)} deliveries pending when the load stopped, all processed ${fmt(m.catchUpS!, 1)} s later`,
        );
      }
    }
  }

  const med = (name: CaseName): Measured => {
    const ms = results.get(name)!;
    const pick = (k: keyof Measured) => median(ms.map((m) => m[k] as number));
    return {
      rps: pick('rps'),
      p50: pick('p50'),
      p99: pick('p99'),
      non2xx: ms.reduce((n, m) => n + m.non2xx, 0),
      total: pick('total'),
      cpuUs: pick('cpuUs'),
      mainUs: pick('mainUs'),
      otherCores: pick('otherCores'),
    };
  };
  console.log(`\nmedian of ${REPS} round(s) (ratio = median of the per-round ratios)\n${HEAD}`);
  for (const name of cases)
    console.log(row(CASES[name], med(name), name === 'raw' ? 1 : ratios.get(name)!.length ? median(ratios.get(name)!) : null));
  console.log('');
  if (info) {
    console.log(
      `service: SQLite synchronous=${info.synchronous === 2 ? 'FULL' : info.synchronous}, journal=${info.journal}; every 200 follows the durable commit of its delivery`,
    );
  }
  for (const [name, line] of counts) console.log(`stored deliveries (${CASES[name]}, last round): ${line}`);
  if (ratios.get('service')?.length) {
    const ratio = median(ratios.get('service')!);
    const ack = ratios.get('ack')?.length ? `; ack path only: ${fmt(median(ratios.get('ack')!), 3)}` : '';
    const distinct = ratios.get('distinct')?.length ? `; distinct bodies: ${fmt(median(ratios.get('distinct')!), 3)}` : '';
    console.log(`ratio service/raw = ${fmt(ratio, 3)} (target >= ${TARGET}): ${ratio >= TARGET ? 'MET' : 'NOT MET'}${ack}${distinct}`);
  }
  console.log(`total ${fmt((Date.now() - started) / 1000, 1)} s`);
  if ([...results.values()].flat().some((m) => m.non2xx > 0)) process.exitCode = 1;
}

/** Big deliveries one at a time against one service child (bench/webhook-big-delivery.ts). */
async function runBig(): Promise<void> {
  const big = await import('./webhook-big-delivery.js');
  const { signWebhookBody } = await import('../src/meta/index.js');
  const { DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const ref = { wabaId: DEFAULT_IDS.waba.acmeMain, phoneNumberId: DEFAULT_IDS.phone.acmeGreen, displayPhoneNumber: '15550100001' };
  const names = (process.env.BENCH_BIG ?? big.BIG_CASES.join(','))
    .split(',')
    .filter((n): n is BigCase => big.BIG_CASES.includes(n as BigCase));
  await waitForQuiet();
  const child = await startChild('big');
  const target = {
    base: child.info.base!,
    webhookUrl: child.info.url,
    key: child.info.key!,
    sign: (body: string) => signWebhookBody(body, APP_SECRET),
    backlog: async () => (await ask<{ backlog: number }>(child, 'backlog')).backlog,
    stall: async () => (await ask<{ stall: Stall }>(child, 'stall')).stall,
  };
  const results = [];
  try {
    for (const [i, name] of names.entries()) {
      const { body, items } = await big.bigBody(name, ref, `R${i}`);
      results.push(await big.measureBig(target, name, body, items));
    }
  } finally {
    await stopChild(child);
  }
  if (!big.printBig(results)) process.exitCode = 1;
}

/** Realistic Meta status notifications (~1.5 KB): two statuses with pricing and conversation, BSUID contact. */
async function buildRequests(): Promise<autocannon.Request[]> {
  const { statusPayload, DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const { signWebhookBody } = await import('../src/meta/index.js');
  const ref = { wabaId: DEFAULT_IDS.waba.acmeMain, phoneNumberId: DEFAULT_IDS.phone.acmeGreen, displayPhoneNumber: '15550100001' };
  const requests: autocannon.Request[] = [];
  for (let i = 0; i < DISTINCT_BODIES; i++) {
    const wamid = (n: number) => `wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI${String(i).padStart(4, '0')}${n}QTJCNkE0RUQ1OTdGMTg4QQA=`;
    const pricing = { billable: true, pricingModel: 'PMP', type: 'regular', category: 'marketing' };
    const payload = statusPayload(
      ref,
      [
        {
          wamid: wamid(1),
          status: 'sent',
          recipientId: '16505551234',
          recipientUserId: 'US.13491208655302741918',
          bizOpaqueCallbackData: `01JBENCH${i}A`,
          pricing,
        },
        {
          wamid: wamid(2),
          status: 'delivered',
          recipientId: '16505551234',
          recipientUserId: 'US.13491208655302741918',
          bizOpaqueCallbackData: `01JBENCH${i}B`,
          pricing,
        },
      ],
      { waId: '16505551234', userId: 'US.13491208655302741918', parentUserId: 'US.ENT.11815799212886844830', name: 'Sheena Nelson' },
    );
    for (const s of payload.entry[0]!.changes[0]!.value.statuses as Array<Record<string, unknown>>) {
      s.conversation = {
        id: `72b14d6bd5407799e66f64d1b338e5${String(i).padStart(2, '0')}`,
        expiration_timestamp: '1750116480',
        origin: { type: 'marketing' },
      };
    }
    const body = JSON.stringify(payload);
    requests.push({
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhookBody(body, APP_SECRET),
        'user-agent': 'facebookexternalua',
      },
      body,
    });
  }
  return requests;
}

/**
 * One request whose body is new every time (fresh wamids, signed in the load
 * generator): nothing is a duplicate, so every status is written by processing.
 * The wamids belong to no stored message, so each status takes the "status
 * before its message" path (one stored row per status).
 */
async function buildDistinctRequest(): Promise<autocannon.Request> {
  const { signWebhookBody } = await import('../src/meta/index.js');
  const [template] = await buildRequests();
  const body = String(template!.body);
  const marker = 'QTJCNkE0RUQ1OTdGMTg4QQA=';
  const parts = body.split(marker);
  let counter = 0;
  return {
    method: 'POST',
    headers: { ...template!.headers },
    setupRequest: (req) => {
      const n = `${process.pid}x${(counter++).toString(36)}`;
      const fresh = parts.join(`${marker}${n}`);
      return { ...req, body: fresh, headers: { ...req.headers, 'x-hub-signature-256': signWebhookBody(fresh, APP_SECRET) } };
    },
  };
}

const serveIndex = process.argv.indexOf('--serve');
if (serveIndex >= 0) {
  const name = process.argv[serveIndex + 1] as CaseName;
  if (name === 'raw') serveRaw();
  else await serveService(name !== 'ack', name === 'big');
} else {
  await main();
}
