import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metaErrorCatalog } from '../../src/meta/error-catalog.js';

describe('docs/troubleshooting.md', () => {
  it('lists every Meta error code the client knows, with its remedy', () => {
    const doc = fs.readFileSync('docs/troubleshooting.md', 'utf8');
    const missing = metaErrorCatalog().filter((e) => !doc.includes(`| ${e.code} | ${e.title} |`) || !doc.includes(e.remedy));
    expect(missing.map((e) => e.code)).toEqual([]);
  });
});
