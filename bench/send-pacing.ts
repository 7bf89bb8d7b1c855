/**
 * Send pacing benchmark: the real service (its own child process, SQLite file,
 * synchronous=FULL) sends batches through the Meta simulator (this process),
 * once from a STANDARD sender (80 messages/s) and once from a HIGH one (1,000
 * messages/s). The simulator's record is Meta's view: every request it accepted
 * or refused, with its arrival time.
 *
 *   npx tsx bench/send-pacing.ts                     # about 45 s
 *   BENCH_SCALE=0.5 npx tsx bench/send-pacing.ts     # half the messages
 *   BENCH_ONLY=HIGH npx tsx bench/send-pacing.ts     # one sender (STANDARD or HIGH); BENCH_REVERSE=1 runs HIGH first
 *   BENCH_CHILD_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" npx tsx bench/send-pacing.ts   # profile the service
 *
 * Prints per sender: messages, achieved rate (first to last arrival), the worst
 * 1-second window of arrivals (must not exceed the sender's limit), refusals
 * (130429 from the simulator's own limiter: must be 0), and the service's CPU µs
 * per send (process.cpuUsage of the service process over the batch / sends).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const ALL_CASES = [
  { name: 'STANDARD', limit: 80, messages: Math.round(800 * SCALE) },
  { name: 'HIGH', limit: 1000, messages: Math.round(10_000 * SCALE) },
] as const;
/** BENCH_ONLY=HIGH (or STANDARD) runs one case; BENCH_REVERSE runs HIGH first (a warm service at 80/s). */
const CASES = (process.env.BENCH_REVERSE ? [...ALL_CASES].reverse() : ALL_CASES).filter(
  (c) => !process.env.BENCH_ONLY || c.name === process.env.BENCH_ONLY,
);

// ---- the service (child process) -----------------------------------------------------

interface Ready {
  ready: true;
  url: string;
  key: string;
  configs: Record<string, string>;
}

async function serve(metaUrl: string): Promise<void> {
  process.on('message', (msg) => {
    if (msg === 'cpu') process.send?.({ cpu: process.cpuUsage() });
  });
  const { startBenchService } = await import('./bench-service.js');
  const credentials = await import('../src/credentials/service.js');
  const configurations = await import('../src/channel-configurations/service.js');
  const { DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const { encodeGlobalID } = await import('@pothos/plugin-relay');

  const { server, deps, key, viewer } = await startBenchService({ META_GRAPH_URL: metaUrl, JOB_POLL_INTERVAL_MS: '100' });
  const waitFor = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`${what} not ready`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const senders = {
    STANDARD: [DEFAULT_IDS.phone.acmeGreen, '+15550100001'],
    HIGH: [DEFAULT_IDS.phone.acmeYellowHigh, '+15550100002'],
  } as const;
  const configs: Record<string, string> = {};
  for (const [name, [phoneNumberId, sender]] of Object.entries(senders)) {
    const credential = credentials.createCredential(deps, viewer, {
      name: `bench-${name}`,
      apiToken: DEFAULT_IDS.token.systemUser,
      businessAccountId: DEFAULT_IDS.business.acme,
      whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
      phoneNumberId,
    });
    await waitFor(() => credentials.getCredential(deps, viewer.sandboxId, credential.id)?.status === 'ACTIVE', `credential ${name}`);
    const configuration = configurations.createChannelConfiguration(deps, viewer, {
      name: `bench-${name}`,
      channel: 'WHATSAPP',
      whatsApp: { apiCredentialId: credential.id, senderPhoneNumber: sender },
    });
    await waitFor(
      () => configurations.getChannelConfiguration(deps, viewer.sandboxId, configuration.id)?.status === 'ACTIVE',
      `configuration ${name}`,
    );
    configs[name] = encodeGlobalID('ChannelConfiguration', configuration.id);
  }
  // Profiles straight into the table: creating 10,000 through GraphQL would dominate the run.
  const insert = deps.sqlite.prepare(
    'INSERT INTO profiles (id, sandbox_id, profile_id, attributes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const total = CASES.reduce((n, c) => n + c.messages, 0);
  deps.sqlite.transaction(() => {
    for (let i = 0; i < total; i++) {
      const number = `+1650${String(2_000_000 + i).padStart(7, '0')}`;
      insert.run(
        `BENCHPROFILE${String(i).padStart(14, '0')}`,
        viewer.sandboxId,
        `p${i}`,
        JSON.stringify({ mobilePhone: { number } }),
        Date.now(),
        Date.now(),
      );
    }
  })();
  const ready: Ready = { ready: true, url: server.url, key, configs };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

// ---- the orchestrator -------------------------------------------------------------------

function startService(metaUrl: string): Promise<{ proc: ChildProcess; ready: Ready }> {
  const extra = (process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...extra, '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', metaUrl], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let buffered = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      let i: number;
      while ((i = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, i);
        buffered = buffered.slice(i + 1);
        try {
          const msg = JSON.parse(line) as Partial<Ready>;
          if (msg.ready) resolve({ proc, ready: msg as Ready });
        } catch {
          // a log line
        }
      }
    });
    proc.once('exit', (code) => reject(new Error(`service exited (${code}) before it was ready`)));
  });
}

function cpuOf(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    proc.once('message', (msg: { cpu: NodeJS.CpuUsage }) => resolve(msg.cpu.user + msg.cpu.system));
    proc.send('cpu');
  });
}

async function gql<T>(ready: Ready, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await request(`${ready.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ready.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.body.json()) as { data?: T; errors?: unknown };
  if (!body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const SEND = `mutation($input: SendWhatsAppMessagesInput!) { sendWhatsAppMessages(input: $input) {
  __typename ... on SendWhatsAppMessagesSuccess { data { id } } ... on Error { message } } }`;
const READ = `query($id: ID!) { node(id: $id) { ... on MessageBatch { status sent blocked failed queued } } }`;

function worstWindow(times: number[], windowMs = 1_000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let worst = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    worst = Math.max(worst, hi - lo + 1);
  }
  return worst;
}

const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function main(): Promise<void> {
  const { startMetaSimulator, DEFAULT_IDS } = await import('../src/meta-simulator/index.js');
  const sim = await startMetaSimulator({ port: 0, host: '127.0.0.1' });
  const { proc, ready } = await startService(sim.baseUrl);
  console.log(`send pacing: the service in a child process, the Meta simulator here; ${os.cpus().length} CPUs, Node ${process.version}`);
  const phones = { STANDARD: DEFAULT_IDS.phone.acmeGreen, HIGH: DEFAULT_IDS.phone.acmeYellowHigh } as const;
  // What the service burns with nothing to send (job polling, timers): subtracted from the per-send figure.
  const idleBefore = await cpuOf(proc);
  const idleStarted = Date.now();
  await new Promise((r) => setTimeout(r, 2_000));
  const idleUsPerS = ((await cpuOf(proc)) - idleBefore) / ((Date.now() - idleStarted) / 1000);
  console.log(`  idle service CPU: ${fmt(idleUsPerS / 10_000, 1)}% of a core`);
  let next = 0;
  let failed = false;
  const rows: string[][] = [];
  try {
    for (const c of CASES) {
      const profileIds = Array.from({ length: c.messages }, (_, i) => `p${next + i}`);
      next += c.messages;
      const cpuBefore = await cpuOf(proc);
      const started = Date.now();
      const created = await gql<{ sendWhatsAppMessages: { __typename: string; data?: { id: string }; message?: string } }>(ready, SEND, {
        input: { channelConfigurationId: ready.configs[c.name], profileIds, template: { name: 'hello_world', languageCode: 'en_US' } },
      });
      const batchId = created.sendWhatsAppMessages.data?.id;
      if (!batchId) throw new Error(`batch not created: ${JSON.stringify(created)}`);
      let state: { status: string; sent: number; blocked: number; failed: number; queued: number } | undefined;
      const deadline = started + 60_000;
      for (;;) {
        state = (await gql<{ node: typeof state }>(ready, READ, { id: batchId })).node;
        if (state?.status === 'COMPLETED' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const cpu = (await cpuOf(proc)) - cpuBefore;
      const sent = sim.sim.sentMessages({ phoneNumberId: phones[c.name] });
      const refused = sim.sim.rejectedSends().filter((r) => r.phoneNumberId === phones[c.name]);
      const times = sent.map((m) => m.at.getTime());
      const spanS = (Math.max(...times) - Math.min(...times)) / 1000;
      const worst = worstWindow([...times, ...refused.map((r) => r.at.getTime())]);
      const ok = state?.status === 'COMPLETED' && sent.length === c.messages && refused.length === 0 && worst <= c.limit;
      failed ||= !ok;
      rows.push([
        `${c.name} (${c.limit}/s)`,
        fmt(sent.length),
        fmt(sent.length / spanS, 1),
        `${fmt(worst)} / ${fmt(c.limit)}`,
        fmt(refused.length),
        fmt(cpu / Math.max(1, sent.length)),
        ok ? 'ok' : `FAIL (${state?.status}, sent ${sent.length})`,
      ]);
      console.log(`  ${c.name}: ${sent.length} messages in ${fmt(spanS, 1)} s`);
    }
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    await sim.close();
  }
  const header = ['sender', 'messages', 'achieved msg/s', 'worst 1 s window', 'refused (130429)', 'service CPU µs/send', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  if (failed) process.exitCode = 1;
}

if (process.argv[2] === '--serve') {
  void serve(process.argv[3]!).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
} else {
  void main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
