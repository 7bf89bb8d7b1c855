import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqliteDb } from '../../src/platform/sqlite.js';
import { startHarness, TEST_BACKEND, type Harness } from '../helpers/harness.js';

// Issue 17: state is explicit. A connection's prepared statements hang on its database handle (db.statements), the
// WAL sync and the slices' caches and runtimes on the deps (deps.walSync, deps.state), all created where the service
// is composed; nothing is found through a module-level registry keyed by a handle or by the deps.

const SRC = path.resolve(import.meta.dirname, '../../src');
/**
 * The WeakMaps left in src/, on purpose: a side table from a page's rows to their page (see the file), and a
 * ClusterPubSub's own buffer of events per open transaction (a field of the instance, created with it: no registry).
 */
const ALLOWED_WEAKMAPS: Record<string, number> = { 'graphql/loaders.ts': 1, 'platform/bus/cluster.ts': 1 };

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sources(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

let a: Harness;
let b: Harness;
beforeAll(async () => {
  [a, b] = await Promise.all([startHarness({ startJobs: false }), startHarness({ startJobs: false })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

describe('explicit state', () => {
  it.skipIf(TEST_BACKEND === 'pg')(
    'two services in one process share no prepared statements or WAL sync (SQLite only: PostgreSQL has neither per connection)',
    () => {
      const [da, db] = [a.server.deps, b.server.deps];
      expect((da.db as SqliteDb).statements).toBeDefined();
      expect((da.db as SqliteDb).statements).not.toBe((db.db as SqliteDb).statements);
      expect(da.walSync).not.toBe(db.walSync);
    },
  );

  it('two services in one process share no cache or runtime', () => {
    const [da, db] = [a.server.deps, b.server.deps];
    expect(Object.keys(da.state).sort()).toEqual(['batchRunners', 'sends', 'templates', 'webhookRoutes']);
    for (const [name, value] of Object.entries(da.state)) {
      expect(value, name).toBeTypeOf('object');
      expect(value, name).not.toBe(db.state[name as keyof typeof db.state]);
    }
    // A route one service remembers is unknown to the other.
    da.state.webhookRoutes.remember('path-1', { webhookId: 'w', sandboxId: 's', appSecret: 'x'.repeat(32) });
    expect(da.state.webhookRoutes.find('path-1')?.webhookId).toBe('w');
    expect(db.state.webhookRoutes.find('path-1')).toBeUndefined();
  });

  it('src/ keeps no module-level WeakMap registries and reads no private field of drizzle', () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const rel = path.relative(SRC, file).split(path.sep).join('/');
      const text = fs.readFileSync(file, 'utf8');
      const weakMaps = text.match(/new WeakMap\b/g)?.length ?? 0;
      if (weakMaps > (ALLOWED_WEAKMAPS[rel] ?? 0)) found.push(`${rel}: ${weakMaps} WeakMap(s)`);
      if (/\{\s*session\s*:/.test(text) && /as unknown as/.test(text)) found.push(`${rel}: reaches into a drizzle session`);
    }
    expect(found).toEqual([]);
  });
});
