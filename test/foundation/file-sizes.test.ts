import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_TABLE_MARK, MAX_LINES, sizeViolations } from '../../scripts/check-file-sizes.js';

/** A throwaway src/ tree: each entry is a file and its number of lines (the first one may be given). */
function tree(files: Record<string, { lines: number; first?: string }>): string {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-sizes-'));
  for (const [file, { lines, first }] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    const body = Array.from({ length: lines }, (_, i) => (i === 0 && first ? first : `export const x${i} = ${i};`));
    fs.writeFileSync(path.join(src, file), `${body.join('\n')}\n`);
  }
  made.push(src);
  return src;
}
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the file-size check (scripts/check-file-sizes.ts, run by .ci/run)', () => {
  it(`passes files of up to ${MAX_LINES} lines, and the real src/ has no file over it but the listed data tables`, () => {
    expect(sizeViolations(tree({ 'a/b.ts': { lines: MAX_LINES }, 'c.ts': { lines: 3 } }), {})).toEqual([]);
    expect(sizeViolations()).toEqual([]);
  });

  it('fails on a file one line over the limit, naming it and its size', () => {
    expect(sizeViolations(tree({ 'messages/service.ts': { lines: MAX_LINES + 1 } }), {})).toEqual([
      `messages/service.ts: ${MAX_LINES + 1} lines (over ${MAX_LINES}); split it along a real seam, or list it in DATA_TABLES if it is data`,
    ]);
  });

  it('lets a listed data table be long only when the file says it is one in its first lines', () => {
    const tables = { 'meta/codes.ts': 'error codes' };
    const marked = tree({ 'meta/codes.ts': { lines: 900, first: `// ${DATA_TABLE_MARK}: one row per code` } });
    expect(sizeViolations(marked, tables)).toEqual([]);
    const unmarked = tree({ 'meta/codes.ts': { lines: 900 } });
    expect(sizeViolations(unmarked, tables)).toEqual([
      `meta/codes.ts: listed as a data table but does not say "${DATA_TABLE_MARK}" in its first lines`,
    ]);
  });

  it('fails on a listed data table that does not exist (a stale entry)', () => {
    expect(sizeViolations(tree({ 'a.ts': { lines: 1 } }), { 'meta/gone.ts': 'gone' })).toEqual([
      'meta/gone.ts: listed as a data table but there is no such file',
    ]);
  });
});
