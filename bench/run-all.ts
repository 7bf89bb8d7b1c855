/**
 * `npm run bench`: every benchmark in turn, then one markdown summary printed and kept in bench/README.md between
 * the "latest results" markers, with the machine's load (uptime) before and after. The machine may be shared:
 * each benchmark alternates its own rounds and reports medians; compare ratios, not absolute figures.
 *
 *   npm run bench                          # everything (about 15 min)
 *   BENCH_ONLY=graphql-read,fanout npm run bench
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.js';

const BENCHES = [
  { name: 'graphql-read', file: 'bench/graphql-read.ts', summary: true },
  { name: 'fanout', file: 'bench/fanout.ts', summary: true },
  { name: 'subscription-memory', file: 'bench/subscription-memory.ts', summary: true },
  { name: 'send-pacing', file: 'bench/send-pacing.ts', summary: true },
  { name: 'webhook-ingest', file: 'bench/webhook-ingest.ts', summary: false },
];
const only = process.env.BENCH_ONLY?.split(',');
const START = '<!-- latest results: written by npm run bench -->';
const END = '<!-- end of latest results -->';

const uptime = () => spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();

function main(): void {
  const summaryFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-bench-all-')), 'summary.md');
  const loadBefore = uptime();
  const sections: string[] = [];
  let failed = 0;
  for (const bench of BENCHES.filter((b) => !only || only.includes(b.name))) {
    console.log(`\n==> ${bench.file}`);
    fs.writeFileSync(summaryFile, '');
    const run = spawnSync(process.execPath, ['--import', 'tsx', bench.file], {
      cwd: ROOT,
      env: { ...process.env, BENCH_SUMMARY_FILE: summaryFile },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 2 ** 20,
    });
    process.stdout.write(run.stdout);
    if (run.status !== 0) failed += 1;
    const written = fs.readFileSync(summaryFile, 'utf8').trim();
    if (bench.summary && written) sections.push(written);
    else {
      // Benchmarks that print their own table: keep its last lines as they are.
      const tail = run.stdout.trim().split('\n').slice(-12).join('\n');
      sections.push(`### ${bench.file}\n\n\`\`\`\n${tail}\n\`\`\``);
    }
    if (run.status !== 0) sections.push(`(${bench.file} exited with ${run.status})`);
  }
  const markdown = [
    `Run ${new Date().toISOString()} on ${os.cpus().length} CPUs, Node ${process.version}.`,
    `Load before: \`${loadBefore}\`; after: \`${uptime()}\`.`,
    '',
    ...sections,
  ].join('\n\n');
  console.log(`\n${markdown}`);
  const readmePath = path.join(ROOT, 'bench/README.md');
  const readme = fs.readFileSync(readmePath, 'utf8');
  const block = `${START}\n\n${markdown}\n\n${END}`;
  const at = readme.indexOf(START);
  const updated =
    at >= 0
      ? readme.slice(0, at) + block + readme.slice(readme.indexOf(END) + END.length)
      : readme.replace(/\n## /, `\n## Latest results (npm run bench)\n\n${block}\n\n## `);
  fs.writeFileSync(readmePath, updated);
  // The tables as lint wants them (prettier checks bench/).
  spawnSync(process.execPath, [path.join(ROOT, 'node_modules/prettier/bin/prettier.cjs'), '--write', readmePath], { stdio: 'ignore' });
  if (failed) process.exitCode = 1;
}

main();
