/**
 * Subscription fan-out: one status change delivered to 1k, 5k and 10k graphql-ws subscribers of one channel
 * configuration, the product against a naive graphql-ws broadcast (bench/baselines/naive-broadcast.ts: one
 * execution per subscriber) started by this same run, and against the floor (bench/baselines/write-floor.ts: no
 * GraphQL at all, one serialization and a socket write per subscriber — what delivering costs on this machine).
 * Rounds alternate which server goes first.
 *
 *   npx tsx bench/fanout.ts                        # 2 rounds, 5 events per level, about 5 min
 *   BENCH_REPS=1 BENCH_EVENTS=2 BENCH_LEVELS=1000,5000 npx tsx bench/fanout.ts
 *
 * Per level: p99 delivery latency after the mutation's response and after it was sent, the mutation's own
 * response time, server CPU per subscriber (/proc/<pid>/stat utime+stime over the event), and at the last level
 * the memory per idle connection (RSS after GC, connected and subscribed, minus RSS before, per connection).
 * Clients speak graphql-transport-ws over raw sockets in this process (bench/raw-ws-client.ts: as cheap per message
 * as a Node client gets, since it shares the two cores with the server); the bench's own CPU per message is printed.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { RawWs } from './raw-ws-client.js';
import { answerQueries, fmt, loadAverage, markdownTable, median, percentile, startChild, writeSummary, type Child } from './lib.js';

const REPS = Number(process.env.BENCH_REPS ?? 2);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 5);
const LEVELS = (process.env.BENCH_LEVELS ?? '1000,5000,10000').split(',').map(Number);
/** BENCH_VERBOSE=1 prints every event (how much of the spread is the machine's load). */
const VERBOSE = Boolean(process.env.BENCH_VERBOSE);
const ALL_KINDS = ['product', 'naive', 'floor'] as const;
type Kind = (typeof ALL_KINDS)[number];
/** BENCH_KINDS=product runs one server only (e.g. to profile it with BENCH_CHILD_ARGS=--cpu-prof). */
const KINDS = ALL_KINDS.filter((k) => !process.env.BENCH_KINDS || process.env.BENCH_KINDS.split(',').includes(k));

interface Ready {
  ready: true;
  url: string;
  key: string;
  configId: string;
}

// ---- servers (child processes) ------------------------------------------------------------

async function serveProduct(): Promise<void> {
  const { startBenchService } = await import('./bench-service.js');
  const credentials = await import('../src/credentials/service.js');
  const configurations = await import('../src/channel-configurations/service.js');
  const { DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const { encodeGlobalID } = await import('@pothos/plugin-relay');
  const { server, deps, key, viewer } = await startBenchService({
    WS_MAX_CONNECTIONS: '20000',
    WS_MAX_CONNECTIONS_PER_KEY: '20000',
  });
  const until = async (check: () => boolean | Promise<boolean>, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`${what} not ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const credential = await credentials.createCredential(deps, viewer, {
    name: 'bench',
    apiToken: DEFAULT_IDS.token.systemUser,
    businessAccountId: DEFAULT_IDS.business.acme,
    whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
    phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
  });
  await until(async () => (await credentials.getCredential(deps, viewer.sandboxId, credential.id))?.status === 'ACTIVE', 'credential');
  const configuration = await configurations.createChannelConfiguration(deps, viewer, {
    name: 'bench',
    channel: 'WHATSAPP',
    whatsApp: { apiCredentialId: credential.id, senderPhoneNumber: '+15550100001' },
  });
  await until(
    async () => (await configurations.getChannelConfiguration(deps, viewer.sandboxId, configuration.id))?.status === 'ACTIVE',
    'configuration',
  );
  answerQueries({ count: () => server.app.fanout.memberCount });
  const ready: Ready = { ready: true, url: server.url, key, configId: encodeGlobalID('ChannelConfiguration', configuration.id) };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

// ---- what each server is asked ------------------------------------------------------------

const OPS: Record<Kind, { subscribe: string; off: string; on: string; offStatus: string; onStatus: string }> = {
  product: {
    subscribe: `subscription($id: ID!) { channelConfigurationStatusChanged(id: $id) {
      previousStatus status at channelConfiguration { id name status } } }`,
    off: `mutation($id: ID!) { deactivateChannelConfiguration(input: { id: $id }) { __typename } }`,
    on: `mutation($id: ID!) { reactivateChannelConfiguration(input: { id: $id }) { __typename } }`,
    offStatus: 'DEACTIVATED',
    onStatus: 'ACTIVE',
  },
  floor: {
    subscribe: `subscription($id: ID!) { statusChanged(id: $id) { status } }`,
    off: `mutation($id: ID!) { setStatus(id: $id, status: "DEACTIVATED") }`,
    on: `mutation($id: ID!) { setStatus(id: $id, status: "ACTIVE") }`,
    offStatus: 'DEACTIVATED',
    onStatus: 'ACTIVE',
  },
  naive: {
    subscribe: `subscription($id: ID!) { statusChanged(id: $id) {
      previousStatus status at channelConfiguration { id name status } } }`,
    off: `mutation($id: ID!) { setStatus(id: $id, status: "DEACTIVATED") }`,
    on: `mutation($id: ID!) { setStatus(id: $id, status: "ACTIVE") }`,
    offStatus: 'DEACTIVATED',
    onStatus: 'ACTIVE',
  },
};

// ---- clients ------------------------------------------------------------------------------

interface Subscriber {
  ws: RawWs;
  /** The status in the last event received, and when. */
  status: string;
  at: number;
}

const STATUS_KEY = Buffer.from('"status":"');
const STATUS_BY_LETTER: Record<number, string> = { 68: 'DEACTIVATED', 65: 'ACTIVE', 80: 'PROCESSING' };

async function connect(ready: Ready, kind: Kind, n: number, into: Subscriber[]): Promise<void> {
  const url = `${ready.url.replace(/^http/, 'ws')}/graphql`;
  // Operation ids are UUIDs, as graphql-ws's client makes them: no two subscribers' messages are byte-identical.
  const subscribe = () =>
    JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: { query: OPS[kind].subscribe, variables: { id: ready.configId } } });
  const init = JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ready.key}` } });
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      // The client must stay cheap (it shares the machine): find the event's status without parsing the message.
      const onMessage = (data: Buffer) => {
        const at = data.indexOf(STATUS_KEY);
        if (at < 0) {
          if (data.indexOf('connection_ack') >= 0) {
            sub.ws.send(subscribe());
            resolve();
          }
          return;
        }
        sub.status = STATUS_BY_LETTER[data[at + STATUS_KEY.length]!] ?? '';
        sub.at = performance.now();
      };
      const sub: Subscriber = {
        ws: new RawWs(url, 'graphql-transport-ws', { onOpen: () => sub.ws.send(init), onMessage, onError: reject }),
        status: '',
        at: 0,
      };
      into.push(sub);
    });
  const workers = Array.from({ length: 100 }, async () => {
    while (next < n) {
      next += 1;
      await one();
    }
  });
  await Promise.all(workers);
}

async function until(check: () => boolean | Promise<boolean>, what: string, state = () => '', timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what} ${state()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function mutate(ready: Ready, query: string): Promise<void> {
  const res = await request(`${ready.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ready.key}` },
    body: JSON.stringify({ query, variables: { id: ready.configId } }),
  });
  const body = (await res.body.json()) as { errors?: unknown };
  if (res.statusCode !== 200 || body.errors) throw new Error(`mutation failed: ${JSON.stringify(body)}`);
}

interface EventFigures {
  afterResponseP99: number;
  afterSentP99: number;
  mutationMs: number;
  /** Server CPU from the mutation's start until every subscriber heard the event. */
  serverCpuUs: number;
  /** This process's CPU over the same span (the clients). */
  clientCpuUs: number;
}

/** One measured status change (off), then back on (not measured) so the next event starts from ACTIVE. */
async function oneEvent(child: Child<Ready>, kind: Kind, subs: Subscriber[]): Promise<EventFigures> {
  const { off, on, offStatus, onStatus } = OPS[kind];
  const cpuBefore = child.cpuUs();
  const clientBefore = process.cpuUsage();
  const sentAt = performance.now();
  await mutate(child.ready, off);
  const answeredAt = performance.now();
  await until(() => subs.every((s) => s.status === offStatus), `${kind}: every subscriber hears ${offStatus}`);
  const serverCpuUs = child.cpuUs() - cpuBefore;
  const client = process.cpuUsage(clientBefore);
  const arrivals = subs.map((s) => s.at);
  await mutate(child.ready, on);
  await until(() => subs.every((s) => s.status === onStatus), `${kind}: every subscriber hears ${onStatus}`);
  await new Promise((r) => setTimeout(r, 200));
  return {
    afterResponseP99: percentile(
      arrivals.map((t) => Math.max(0, t - answeredAt)),
      99,
    ),
    afterSentP99: percentile(
      arrivals.map((t) => t - sentAt),
      99,
    ),
    mutationMs: answeredAt - sentAt,
    serverCpuUs,
    clientCpuUs: client.user + client.system,
  };
}

type Figures = Map<string, number[]>;
const record = (figures: Figures, key: string, value: number) => figures.set(key, [...(figures.get(key) ?? []), value]);

async function runKind(kind: Kind, figures: Figures): Promise<void> {
  const file = fileURLToPath(import.meta.url);
  const child = await startChild<Ready>(file, [kind]);
  const subs: Subscriber[] = [];
  try {
    // The mutation alone, with nobody subscribed: what "unaffected" compares with. The first half warms the server
    // up (a cold mutation costs several times a warm one, JIT threads included) and is not recorded.
    for (let i = 0; i < 2 * EVENTS; i++) {
      const cpuBefore = child.cpuUs();
      const started = performance.now();
      await mutate(child.ready, OPS[kind].off);
      const mutationMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 50));
      if (i >= EVENTS) {
        record(figures, `${kind}:0:mutationMs`, mutationMs);
        // Part of every event's CPU below: at 1k subscribers it is most of the "per subscriber" figure.
        record(figures, `${kind}:0:serverCpuUs`, child.cpuUs() - cpuBefore);
      }
      await mutate(child.ready, OPS[kind].on);
      await new Promise((r) => setTimeout(r, kind === 'product' ? 500 : 50));
    }
    await child.ask('gc');
    const rssBefore = child.rssBytes();
    for (const level of LEVELS) {
      await connect(child.ready, kind, level - subs.length, subs);
      let live = 0;
      await until(
        async () => (live = await child.ask<number>('count')) >= level,
        `${kind}: ${level} subscribers live`,
        () => `${live}`,
      );
      if (kind === 'product') await until(() => subs.every((s) => s.status === 'ACTIVE'), 'current state received');
      for (let i = 0; i < EVENTS; i++) {
        const e = await oneEvent(child, kind, subs);
        if (VERBOSE) {
          const figures = `p99 after response ${fmt(e.afterResponseP99, 1)} ms, mutation ${fmt(e.mutationMs, 1)} ms`;
          console.log(`    ${kind} ${level}: ${figures}, server CPU ${fmt(e.serverCpuUs / 1000)} ms; load ${loadAverage()}`);
        }
        record(figures, `${kind}:${level}:afterResponseP99`, e.afterResponseP99);
        record(figures, `${kind}:${level}:afterSentP99`, e.afterSentP99);
        record(figures, `${kind}:${level}:mutationMs`, e.mutationMs);
        // /proc counts CPU in 10 ms ticks: per subscriber it is the sum over every event of every round / deliveries.
        record(figures, `${kind}:${level}:serverCpuUs`, e.serverCpuUs);
        record(figures, `${kind}:${level}:clientCpuUs`, e.clientCpuUs);
        record(figures, `${kind}:${level}:deliveries`, subs.length);
      }
      console.log(
        `  ${kind} ${level}: p99 after response ${fmt(median(figures.get(`${kind}:${level}:afterResponseP99`)!.slice(-EVENTS)))} ms`,
      );
    }
    await child.ask('gc');
    await new Promise((r) => setTimeout(r, 500));
    record(figures, `${kind}:idleKiB`, (child.rssBytes() - rssBefore) / subs.length / 1024);
  } finally {
    for (const s of subs) s.ws.terminate();
    await child.stop();
  }
}

async function main(): Promise<void> {
  console.log(`fan-out: levels ${LEVELS.join('/')}, ${REPS} rounds, ${EVENTS} events per level; load ${loadAverage()}`);
  const figures: Figures = new Map();
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 ? [...KINDS].reverse() : [...KINDS];
    for (const kind of order) await runKind(kind, figures);
  }
  const m = (key: string) => median(figures.get(key) ?? []);
  const sum = (key: string) => (figures.get(key) ?? []).reduce((a, b) => a + b, 0);
  /** CPU µs per delivered message, over all events of all rounds. */
  const perDelivery = (kind: Kind, level: number, what: string) => sum(`${kind}:${level}:${what}`) / sum(`${kind}:${level}:deliveries`);
  const rows: string[][] = [];
  for (const level of LEVELS) {
    const p = (f: string) => m(`product:${level}:${f}`);
    const n = (f: string) => m(`naive:${level}:${f}`);
    const floor = m(`floor:${level}:afterResponseP99`);
    rows.push([
      fmt(level),
      `${fmt(p('afterResponseP99'))} / ${fmt(n('afterResponseP99'))}`,
      `**${fmt(p('afterResponseP99') / n('afterResponseP99'), 2)}×**`,
      `${fmt(p('afterSentP99'))} / ${fmt(n('afterSentP99'))}`,
      fmt(p('afterSentP99') / n('afterSentP99'), 2) + '×',
      `${fmt(p('mutationMs'), 1)} / ${fmt(m('product:0:mutationMs'), 1)}`,
      `${fmt(perDelivery('product', level, 'serverCpuUs'), 1)} / ${fmt(perDelivery('naive', level, 'serverCpuUs'), 1)}`,
      `${fmt(perDelivery('product', level, 'clientCpuUs'), 1)} / ${fmt(perDelivery('naive', level, 'clientCpuUs'), 1)}`,
      `${fmt(floor)} (${fmt(floor / n('afterResponseP99'), 2)}× naive)`,
      `${fmt(p('afterResponseP99') / floor, 2)}×`,
      fmt(perDelivery('floor', level, 'serverCpuUs'), 1),
    ]);
  }
  const table = markdownTable(
    [
      'subscribers',
      'p99 after response ms (product / naive)',
      'ratio',
      'p99 after sent ms (product / naive)',
      'ratio',
      'mutation ms (at level / no subscribers)',
      'server CPU µs per subscriber (product / naive)',
      'bench client CPU µs per message',
      'floor p99 ms (vs naive)',
      'product / floor',
      'floor CPU µs per subscriber',
    ],
    rows,
  );
  const memory = `Memory per idle connection at ${fmt(LEVELS.at(-1)!)}: product **${fmt(m('product:idleKiB'), 1)} KiB**, naive ${fmt(m('naive:idleKiB'), 1)} KiB (goal ≤ 25 KiB).`;
  const mean = (key: string) => sum(key) / (figures.get(key)?.length ?? NaN);
  const alone = `Server CPU of the mutation alone (no subscribers), inside every event's CPU above: product ${fmt(mean('product:0:serverCpuUs') / 1000, 1)} ms, naive ${fmt(mean('naive:0:serverCpuUs') / 1000, 1)} ms.`;
  const text = `${table}\n\n${memory} ${alone}\n\nMedians of ${REPS} rounds × ${EVENTS} events; load average ${loadAverage()}.`;
  console.log(`\n${text}`);
  writeSummary('Subscription fan-out (bench/fanout.ts)', text);
}

if (process.argv[2] === '--serve') {
  const kind = process.argv[3] as Kind;
  const start =
    kind === 'product'
      ? serveProduct()
      : kind === 'floor'
        ? import('./baselines/write-floor.js').then(({ serveWriteFloor }) => serveWriteFloor())
        : import('./baselines/naive-broadcast.js').then(({ serveNaiveBroadcast }) => serveNaiveBroadcast());
  void start.catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
