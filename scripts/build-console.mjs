#!/usr/bin/env node
// Builds the admin console (console/) into console/dist with Vite. Run by `npm install` (prepare) and `npm start`
// (prestart) with --if-stale, so a fresh clone serves /console with no extra step, and by the console tests.
// Without Vite (an install that omitted devDependencies) it says so and leaves any existing build in place.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const consoleDir = path.join(root, 'console');
const dist = path.join(consoleDir, 'dist');
const ifStale = process.argv.includes('--if-stale');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function isStale() {
  const index = path.join(dist, 'index.html');
  if (!fs.existsSync(index)) return true;
  const sources = Math.max(
    newestSource(path.join(consoleDir, 'src')),
    fs.statSync(path.join(consoleDir, 'index.html')).mtimeMs,
    fs.statSync(path.join(consoleDir, 'vite.config.ts')).mtimeMs,
  );
  return sources > fs.statSync(index).mtimeMs;
}

// One build at a time (parallel test workers, npm install while a test runs): the others wait, then find it fresh.
const lock = path.join(consoleDir, '.build-lock');
const LOCK_STALE_MS = 120_000;
for (;;) {
  try {
    fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
    break;
  } catch {
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > LOCK_STALE_MS)
      fs.rmSync(lock, { force: true }); // left by a build that died
    else await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
process.on('exit', () => fs.rmSync(lock, { force: true }));

if (ifStale && !isStale()) process.exit(0);

let vite;
try {
  vite = await import('vite');
} catch {
  console.warn('console: Vite is not installed (devDependencies omitted); /console serves the existing build, if any.');
  process.exit(0);
}

// Build beside dist and swap it in whole: a server (or a parallel build) never sees a half-written folder.
const tmp = path.join(consoleDir, `.dist-${process.pid}`);
const started = Date.now();
try {
  await vite.build({ configFile: path.join(consoleDir, 'vite.config.ts'), build: { outDir: tmp, emptyOutDir: true }, logLevel: 'warn' });
  fs.rmSync(dist, { recursive: true, force: true });
  try {
    fs.renameSync(tmp, dist);
  } catch (err) {
    // Another build swapped its folder in first: theirs is as good as ours.
    if (!fs.existsSync(path.join(dist, 'index.html'))) throw err;
  }
  console.log(`console: built into console/dist in ${Date.now() - started} ms`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
