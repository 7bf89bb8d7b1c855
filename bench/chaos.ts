// npm run chaos: kill -9 the real service repeatedly during webhook ingest and a batch (large counts), then
// print the figures: acknowledged deliveries lost, effects applied twice, recipients sent twice, resume times.
// CHAOS_WEBHOOKS, CHAOS_RECIPIENTS, CHAOS_KILLS override the counts. The same run with small counts is
// test/reliability/chaos.test.ts.
import { runChaos } from '../test/reliability/chaos-run.js';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

const opts = { webhooks: num('CHAOS_WEBHOOKS', 3_000), recipients: num('CHAOS_RECIPIENTS', 1_600), kills: num('CHAOS_KILLS', 6) };
console.log(`chaos: ${opts.webhooks} signed webhooks, a ${opts.recipients}-recipient batch, ${opts.kills} kill -9s`);
const started = Date.now();
const f = await runChaos({ ...opts, log: (line) => console.log(`  ${line}`) });
await f.close();
const sorted = [...f.resumeMs].sort((a, b) => a - b);
const median = sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
console.log(`
kill -9s                          ${f.kills}
webhooks posted / acknowledged    ${f.webhooksPosted} / ${f.webhooksAcknowledged}
acknowledged deliveries lost      ${f.acknowledgedLost}
effects applied twice             ${f.duplicateEffects}
recipients / sent twice           ${f.recipients} / ${f.recipientsSentTwice}
batch                             ${f.batch.status}: sent ${f.batch.sent}, unknown ${f.batch.unknown}, failed ${f.batch.failed}, blocked ${f.batch.blocked}
resume after restart (ms)         median ${median}, max ${sorted.at(-1) ?? 0} (${f.resumeMs.join(', ')})
total                             ${Math.round((Date.now() - started) / 1000)} s`);
const ok = f.acknowledgedLost === 0 && f.duplicateEffects === 0 && f.recipientsSentTwice === 0 && f.batch.status === 'COMPLETED';
process.exit(ok ? 0 : 1);
