/**
 * Memory of closed subscriptions (issue 16 point 9): rounds of N graphql-ws subscribe/close against the product
 * (started as bench/fanout.ts's product child). After each round the server's RSS (after a GC) must come back
 * within 15% of the first round's; before the fix it grew 302 → 884 MB over 5 rounds of 6,000, because closed
 * subscriptions kept their listener until the next event on their topic.
 *
 *   npx tsx bench/subscription-memory.ts                      # 5 rounds of 6,000
 *   BENCH_ROUNDS=3 BENCH_SUBSCRIBERS=2000 npx tsx bench/subscription-memory.ts
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { fmt, loadAverage, markdownTable, startChild, writeSummary } from './lib.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 6_000);
const QUERY = 'subscription($id: ID!) { channelConfigurationStatusChanged(id: $id) { status channelConfiguration { id name } } }';

interface Ready {
  url: string;
  key: string;
  configId: string;
}

async function subscribeAll(ready: Ready, n: number): Promise<WebSocket[]> {
  const url = `${ready.url.replace(/^http/, 'ws')}/graphql`;
  const sockets: WebSocket[] = [];
  let started = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
      sockets.push(ws);
      ws.on('error', reject);
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${ready.key}` } })));
      ws.on('message', (data: Buffer) => {
        if (data.indexOf('connection_ack') >= 0) {
          ws.send(JSON.stringify({ id: randomUUID(), type: 'subscribe', payload: { query: QUERY, variables: { id: ready.configId } } }));
        } else if (data.indexOf('"next"') >= 0) resolve(); // its current state: the subscription is live
      });
    });
  await Promise.all(
    Array.from({ length: 100 }, async () => {
      while (started < n) {
        started += 1;
        await one();
      }
    }),
  );
  return sockets;
}

async function main(): Promise<void> {
  const child = await startChild<Ready>(path.join(path.dirname(fileURLToPath(import.meta.url)), 'fanout.ts'), ['product']);
  const rss: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const sockets = await subscribeAll(child.ready, SUBSCRIBERS);
      await Promise.all(sockets.map((ws) => new Promise((r) => (ws.once('close', r), ws.close()))));
      // Give the server a moment to run its close handlers, then measure after a full GC.
      for (let i = 0; i < 50 && (await child.ask<number>('count')) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      await child.ask('gc');
      await new Promise((r) => setTimeout(r, 300));
      rss.push(child.rssBytes() / 2 ** 20);
      console.log(`  round ${round + 1}: RSS ${fmt(rss.at(-1)!)} MB, live subscribers ${await child.ask<number>('count')}`);
    }
  } finally {
    await child.stop();
  }
  const worst = Math.max(...rss.map((r) => r / rss[0]! - 1));
  const table = markdownTable(
    ['round', 'RSS MB after GC', 'vs round 1'],
    rss.map((r, i) => [String(i + 1), fmt(r), `${fmt((r / rss[0]! - 1) * 100, 1)}%`]),
  );
  const verdict = worst <= 0.15 ? 'within 15% of round 1: ok' : 'MORE than 15% above round 1: FAIL';
  const text = `${ROUNDS} rounds of ${fmt(SUBSCRIBERS)} subscribe/close; worst ${fmt(worst * 100, 1)}% (${verdict}); load ${loadAverage()}.\n\n${table}`;
  console.log(`\n${text}`);
  writeSummary('Closed subscriptions, RSS per round (bench/subscription-memory.ts)', text);
  if (worst > 0.15) process.exitCode = 1;
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
