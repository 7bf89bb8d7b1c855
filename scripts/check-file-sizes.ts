/**
 * No source file of src/ over MAX_LINES lines unless it is a table of data (docs/architecture.md, issue 17): a reader
 * should be able to hold a file. A data table is listed in DATA_TABLES with what it holds, and says so in its first
 * lines ("A TABLE OF DATA"), so a reader of the file learns it too. Run by .ci/run.
 *
 *   npx tsx scripts/check-file-sizes.ts     # exit 1 when a file is over the limit and not a listed data table
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

export const MAX_LINES = 400;

/** Files of src/ allowed over the limit because they are mostly data, each with what the data is. */
export const DATA_TABLES: Record<string, string> = {
  'meta/error-catalog.ts': "Meta's error codes: meaning, retry guidance and remedy, one row per code",
};

/** Said in the first lines of a listed data table. */
export const DATA_TABLE_MARK = 'A TABLE OF DATA';

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|cts|js|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Lines as `wc -l` counts them, plus a last line without a newline. */
function lineCount(text: string): number {
  if (!text) return 0;
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') ? newlines : newlines + 1;
}

/** Every file of `src` over the limit that is not a data table, and every listed data table that does not say so. */
export function sizeViolations(src = SRC, tables: Record<string, string> = DATA_TABLES): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(src)) {
    const rel = path.relative(src, file).split(path.sep).join('/');
    const text = fs.readFileSync(file, 'utf8');
    const lines = lineCount(text);
    if (rel in tables) {
      if (!text.split('\n').slice(0, 5).join('\n').includes(DATA_TABLE_MARK)) {
        found.push(`${rel}: listed as a data table but does not say "${DATA_TABLE_MARK}" in its first lines`);
      }
    } else if (lines > MAX_LINES) {
      found.push(`${rel}: ${lines} lines (over ${MAX_LINES}); split it along a real seam, or list it in DATA_TABLES if it is data`);
    }
  }
  for (const rel of Object.keys(tables)) {
    if (!fs.existsSync(path.join(src, rel))) found.push(`${rel}: listed as a data table but there is no such file`);
  }
  return found.sort();
}

function main(): void {
  const found = sizeViolations();
  console.log(`file sizes: ${found.length} file(s) over ${MAX_LINES} lines that are not data tables`);
  for (const v of found) console.log(`  ${v}`);
  if (found.length > 0) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
