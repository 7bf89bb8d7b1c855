import { afterAll, beforeAll } from 'vitest';

// Forks run file after file with their module cache kept (vitest.config.ts, isolate: false): a server or worker
// thread a file leaves running would keep working (polling jobs, syncing its database) in the files after it.
// Every file stops what it started; one that does not fails here, naming what it left.

const running = (): string[] => process.getActiveResourcesInfo().filter((t) => t === 'TCPServerWrap' || t === 'MessagePort');

let atStart = 0;
beforeAll(() => {
  atStart = running().length;
});

afterAll(async () => {
  // A close() that was awaited may release its handle a tick or two later.
  for (let i = 0; i < 40 && running().length > atStart; i++) await new Promise((r) => setTimeout(r, 25));
  const left = running();
  if (left.length > atStart) {
    throw new Error(`this file left ${left.length - atStart} listening server(s) or worker thread(s) running: ${left.join(', ')}`);
  }
});
