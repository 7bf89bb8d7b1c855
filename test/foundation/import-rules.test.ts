import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { violations } from '../../scripts/check-imports.js';

/** A throwaway src/ tree: each entry is a file and the relative modules it imports. */
function tree(files: Record<string, string[]>): string {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-house-'));
  for (const [file, imports] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    const lines = imports.map((spec, i) => `import { x${i} } from '${spec}';`);
    fs.writeFileSync(path.join(src, file), `${lines.join('\n')}\nexport const x = 1;\n`);
  }
  made.push(src);
  return src;
}
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const HOUSE = {
  'main.ts': ['./service/server.js'],
  'service/server.ts': ['../webhooks/service.js', '../graphql/builder.js', '../core/deps.js'],
  'core/deps.ts': ['../platform/db.js', '../meta/client.js'],
  'platform/db.ts': [],
  'meta/client.ts': ['../platform/db.js'],
  'graphql/builder.ts': ['../core/deps.js'],
  'messages/service.ts': ['./store.js', '../platform/db.js'],
  'messages/store.ts': ['./tables.js'],
  'messages/tables.ts': [],
  'webhooks/service.ts': ['../messages/service.js', '../graphql/builder.js'],
};

describe('the import-rule check (scripts/check-imports.ts, run by .ci/run)', () => {
  it('passes a house that keeps the rules, and the real src/ has no violation at all', () => {
    expect(violations(tree(HOUSE))).toEqual([]);
    expect(violations()).toEqual([]);
  });

  it('fails on a cycle between folders, naming every edge in it', () => {
    const src = tree({ ...HOUSE, 'messages/service.ts': ['./store.js', '../webhooks/service.js'] });
    expect(violations(src)).toEqual(['folder edge in a cycle: messages -> webhooks', 'folder edge in a cycle: webhooks -> messages']);
  });

  it('fails when platform/ imports a slice or the kernel imports a slice', () => {
    const src = tree({
      ...HOUSE,
      'platform/db.ts': ['../messages/tables.js'],
      'graphql/builder.ts': ['../core/deps.js', '../webhooks/service.js'],
    });
    expect(violations(src)).toEqual(
      expect.arrayContaining([
        'graphql/ imports a slice: graphql/builder.ts -> webhooks/service.ts',
        'platform/ imports a slice: platform/db.ts -> messages/tables.ts',
      ]),
    );
  });

  it('fails when platform/ imports a kernel above it, or a slice imports the composition', () => {
    const src = tree({
      ...HOUSE,
      'platform/db.ts': ['../meta/client.js'],
      'webhooks/service.ts': ['../messages/service.js', '../service/server.js'],
    });
    const found = violations(src);
    expect(found).toContain('platform/ imports kernel meta/: platform/db.ts -> meta/client.ts');
    expect(found).toContain('webhooks/ imports composition: webhooks/service.ts -> service/server.ts');
  });

  it('fails when a store imports a service, even inside one slice', () => {
    const src = tree({ ...HOUSE, 'messages/store.ts': ['./tables.js', './service.js'] });
    expect(violations(src)).toContain('store imports service: messages/store.ts -> messages/service.ts');
  });
});
