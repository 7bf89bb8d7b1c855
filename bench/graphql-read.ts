/**
 * The read path against stock baselines started by this same run (bench/baselines/stock-read.ts):
 *   - `{ viewer { … } }` POST vs minimal graphql-yoga + Pothos `{ hello }`;
 *   - `channelConfigurations(first: 20 / 50)` with status, checks, marketing actions, apiCredential, webhook and
 *     sender vs yoga + Pothos + drizzle + better-sqlite3 returning 20 rows (the yardstick), and the list of 20
 *     vs the stock stack resolving the same query shape (bench/baselines/stock-shape.ts: relay connection, DataLoaders).
 * The product answers a repeated list from its response cache (src/graphql/response-cache.ts) while no configuration
 * changes, as a polling dashboard sees it; the `list20run` rows are the same product with the cache off, every
 * request read and resolved again (what a list costs after a change); `list20churn` is the cached product while a
 * configuration of the page is edited 10 times a second (each edit makes the next request run the list again).
 * Each server is a child process; autocannon runs here. Rounds alternate the order of the servers. The primary
 * figure is server CPU per request from /proc/<pid>/stat (utime+stime, all threads), robust to a busy machine.
 *
 *   npx tsx bench/graphql-read.ts                     # 3 rounds × 7 servers × 5 s
 *   BENCH_REPS=1 BENCH_SECONDS=3 npx tsx bench/graphql-read.ts
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { answerQueries, fmt, loadAverage, markdownTable, median, startChild, writeSummary, type Child } from './lib.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

const VIEWER = `query Viewer { viewer { role entitlements apiKeyPrefix organization { id name } sandbox { id name } } }`;
const LIST = `query List($first: Int!) { channelConfigurations(first: $first) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node {
    id name description channel status statusReason statusChangedAt createdAt updatedAt
    marketingActions { id key name }
    checks { name status message remedy checkedAt }
    whatsApp { apiCredential { id name status } webhook { id name } senderPhoneNumber executionField effectiveExecutionField }
  } }
} }`;

interface Ready {
  url: string;
  key: string;
}

const CASES = {
  hello: { server: 'stock-hello', body: { query: '{ hello }' } },
  rows20: {
    server: 'stock-rows',
    body: { query: 'query($n: Int!) { items(first: $n) { id name status createdAt } }', variables: { n: 20 } },
  },
  shape20: { server: 'stock-shape', body: { query: LIST, variables: { first: 20 } } },
  viewer: { server: 'product', body: { query: VIEWER } },
  list20: { server: 'product', body: { query: LIST, variables: { first: 20 } } },
  list50: { server: 'product', body: { query: LIST, variables: { first: 50 } } },
  // The same product with its response cache off: what a list costs when it must be read and resolved again
  // (after a write to the configuration tables, or a query the cache does not keep).
  list20run: { server: 'product-uncached', body: { query: LIST, variables: { first: 20 } } },
  // The cached product while a configuration on the page changes 10 times a second (each change: one miss).
  list20churn: { server: 'product-churn', body: { query: LIST, variables: { first: 20 } } },
} as const;
type CaseName = keyof typeof CASES;
type ServerName = (typeof CASES)[CaseName]['server'];

// ---- the product (child) ------------------------------------------------------------------

/** The configuration changes per second of the 'product-churn' server: an admin or a check job writing as the list is read. */
const CHURN_PER_SECOND = 10;

async function serveProduct(cache: boolean, churn = false): Promise<void> {
  const { startBenchService } = await import('./bench-service.js');
  const credentials = await import('../src/credentials/service.js');
  const configurations = await import('../src/channel-configurations/service.js');
  const webhooks = await import('../src/webhooks/service.js');
  const { DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  // Configured as a production deployment is (the process runs with NODE_ENV=production too, like the baselines).
  const production = {
    NODE_ENV: 'production',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://127.0.0.1',
    ...(cache ? {} : { GRAPHQL_RESPONSE_CACHE_BYTES: '0' }),
  };
  const { server, deps, key, viewer } = await startBenchService(production, { startJobs: false });
  const phones = [DEFAULT_IDS.phone.acmeGreen, DEFAULT_IDS.phone.acmeYellowHigh, DEFAULT_IDS.phone.acmeRedLimited];
  const refs: Array<{ credentialId: string; webhookId: string }> = [];
  for (const [i, phoneNumberId] of phones.entries()) {
    const credential = await credentials.createCredential(deps, viewer, {
      name: `cred-${i}`,
      apiToken: DEFAULT_IDS.token.systemUser,
      businessAccountId: DEFAULT_IDS.business.acme,
      whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
      phoneNumberId,
    });
    const webhook = await webhooks.createWebhook(deps, viewer, {
      name: `hook-${i}`,
      apiCredentialId: credential.id,
      appSecret: 'a'.repeat(32),
      keywordRules: [],
    });
    refs.push({ credentialId: credential.id, webhookId: webhook.id });
  }
  const created = [];
  for (let i = 0; i < 60; i++) {
    const ref = refs[i % refs.length]!;
    created.push(
      await configurations.createChannelConfiguration(deps, viewer, {
        name: `config-${i}`,
        channel: 'WHATSAPP',
        whatsApp: { apiCredentialId: ref.credentialId, webhookId: ref.webhookId, senderPhoneNumber: `+1555010000${(i % 3) + 1}` },
        saveAsDraft: i % 2 === 0,
      }),
    );
  }
  if (churn) {
    // A draft of the first page changes its description CHURN_PER_SECOND times a second, through the service (a
    // real mutation's transaction), in this process: its CPU counts in the figures.
    const draft = created.at(-2)!;
    let n = 0;
    setInterval(() => {
      void configurations.updateChannelConfiguration(deps, viewer, { id: draft.id, description: `edit ${++n}` });
    }, 1000 / CHURN_PER_SECOND).unref();
  }
  const kept = server.app.responseCache;
  answerQueries({ cache: () => ({ hits: kept.hits, misses: kept.misses }) });
  process.stdout.write(`${JSON.stringify({ ready: true, url: server.url, key })}\n`);
}

// ---- the orchestrator ---------------------------------------------------------------------

interface CacheCounts {
  hits: number;
  misses: number;
}

interface Measured {
  /** Answers from the response cache, and cacheable requests that ran (product servers). */
  hits: number;
  misses: number;
  rps: number;
  p99: number;
  cpuUs: number;
  bad: number;
}

async function load(child: Child<Ready>, name: CaseName, seconds: number): Promise<Measured> {
  const cacheBefore = CASES[name].server.startsWith('product') ? await child.ask<CacheCounts>('cache') : null;
  const cpuBefore = child.cpuUs();
  const result = await autocannon({
    url: `${child.ready.url}/graphql`,
    connections: CONNECTIONS,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${child.ready.key}` },
    body: JSON.stringify(CASES[name].body),
  });
  const n = Math.max(1, result.requests.total);
  const cpuUs = (child.cpuUs() - cpuBefore) / n;
  const cacheAfter = cacheBefore ? await child.ask<CacheCounts>('cache') : null;
  const misses = cacheAfter && cacheBefore ? cacheAfter.misses - cacheBefore.misses : 0;
  const hits = cacheAfter && cacheBefore ? cacheAfter.hits - cacheBefore.hits : 0;
  return {
    misses,
    hits,
    rps: result.requests.average,
    p99: result.latency.p99,
    cpuUs,
    bad: result.non2xx + result.errors + result.timeouts,
  };
}

async function main(): Promise<void> {
  console.log(`graphql read path: ${REPS} rounds × ${SECONDS} s per case, ${CONNECTIONS} connections; load ${loadAverage()}`);
  const file = fileURLToPath(import.meta.url);
  const servers: ServerName[] = ['stock-hello', 'stock-rows', 'stock-shape', 'product', 'product-uncached', 'product-churn'];
  const results = new Map<CaseName, Measured[]>();
  let bad = 0;
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 ? [...servers].reverse() : servers;
    for (const server of order) {
      // Every server runs as deployed: NODE_ENV=production turns off graphql-js's development checks in all of them.
      const child = await startChild<Ready>(file, [server], { NODE_ENV: 'production' });
      try {
        for (const name of (Object.keys(CASES) as CaseName[]).filter((c) => CASES[c].server === server)) {
          await load(child, name, 1); // warm-up
          const m = await load(child, name, SECONDS);
          bad += m.bad;
          results.set(name, [...(results.get(name) ?? []), m]);
          const cached = m.hits + m.misses ? `, response cache ${fmt(m.hits)} hits / ${fmt(m.misses)} misses` : '';
          console.log(`  round ${rep + 1} ${name}: ${fmt(m.cpuUs)} µs CPU/request, ${fmt(m.rps)} req/s, p99 ${m.p99} ms${cached}`);
        }
      } finally {
        await child.stop();
      }
    }
  }
  const cpu = (c: CaseName) => median(results.get(c)!.map((m) => m.cpuUs));
  const row = (label: string, c: CaseName, base: CaseName, goal: string): string[] => [
    label,
    fmt(cpu(c)),
    fmt(cpu(base)),
    `**${fmt(cpu(c) / cpu(base), 2)}×**`,
    goal,
    fmt(median(results.get(c)!.map((m) => m.rps))),
    fmt(median(results.get(c)!.map((m) => m.p99))),
  ];
  const table = markdownTable(
    ['case', 'product CPU µs/req', 'baseline CPU µs/req', 'ratio', 'goal', 'product req/s', 'product p99 ms'],
    [
      row('`{ viewer {…} }` vs yoga+Pothos `{hello}`', 'viewer', 'hello', '≤ 1.0×'),
      row('`channelConfigurations(first: 20)` vs yoga+Pothos+drizzle 20 rows', 'list20', 'rows20', '≤ 1.5×'),
      row('`channelConfigurations(first: 20)` vs stock stack, same query shape', 'list20', 'shape20', '—'),
      row('`channelConfigurations(first: 50)` vs the same 20 rows', 'list50', 'rows20', '—'),
      row('`channelConfigurations(first: 20)`, response cache off, vs 20 rows', 'list20run', 'rows20', '—'),
      row('`channelConfigurations(first: 20)`, response cache off, vs same shape', 'list20run', 'shape20', '—'),
      row(`\`channelConfigurations(first: 20)\`, ${CHURN_PER_SECOND} configuration writes/s, vs 20 rows`, 'list20churn', 'rows20', '—'),
    ],
  );
  const baselines = `Baselines: \`{hello}\` ${fmt(median(results.get('hello')!.map((m) => m.rps)))} req/s, 20 rows ${fmt(median(results.get('rows20')!.map((m) => m.rps)))} req/s, same shape ${fmt(median(results.get('shape20')!.map((m) => m.rps)))} req/s.`;
  const text = `${table}\n\n${baselines} Medians of ${REPS} alternating rounds; load average ${loadAverage()}.`;
  console.log(`\n${text}`);
  writeSummary('GraphQL read path (bench/graphql-read.ts)', text);
  if (bad) {
    console.error(`${bad} requests failed`);
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--serve') {
  const server = process.argv[3] as ServerName;
  const start =
    server === 'product' || server === 'product-uncached' || server === 'product-churn'
      ? serveProduct(server !== 'product-uncached', server === 'product-churn')
      : server === 'stock-shape'
        ? import('./baselines/stock-shape.js').then(({ serveStockShape }) => serveStockShape())
        : import('./baselines/stock-read.js').then(({ serveStock }) => serveStock(server === 'stock-hello' ? 'hello' : 'rows'));
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
