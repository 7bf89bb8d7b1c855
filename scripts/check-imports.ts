/**
 * The house rules of src/, checked from the imports themselves (docs/architecture.md explains them):
 *   1. no cycle between top-level folders of src/;
 *   2. kernels import only the kernels below them (platform/ only itself and packages; graphql/ no slice);
 *   3. nothing but the composition (src/service/, cli/, demo/, main.ts) imports the composition;
 *   4. a store never imports a service.
 * Known violations that predate the rule live in scripts/import-baseline.json: they are reported but do not fail,
 * so the check ratchets — a new violation fails CI, and a baseline entry that no longer occurs must be removed.
 *
 *   npx tsx scripts/check-imports.ts            # check (exit 1 on a new violation or a stale baseline entry)
 *   npx tsx scripts/check-imports.ts --graph    # print the folder graph
 *   npx tsx scripts/check-imports.ts --update   # rewrite the baseline from what is found now
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');
const BASELINE = path.join(ROOT, 'scripts', 'import-baseline.json');

/**
 * Folders every slice may import, each with the only folders it may import itself (docs/architecture.md draws
 * them). Every other folder of src/ is a domain slice, except the composition, which may import anything.
 */
const KERNELS: Record<string, string[]> = {
  platform: [],
  http: ['platform'],
  meta: ['platform'],
  'meta-simulator': ['meta', 'platform', 'http'],
  core: ['platform', 'meta', 'http'],
  graphql: ['platform', 'core', 'meta', 'http'],
};
const COMPOSITION = ['(top)', 'service', 'cli', 'demo'];

function kindOf(folder: string): string {
  if (COMPOSITION.includes(folder)) return 'composition';
  return folder in KERNELS ? `kernel ${folder}/` : 'a slice';
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Relative module specifiers of a file, type-only imports included: a type loop is still a loop for a reader. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName).filter((s) => s.startsWith('.'));
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, path.join(base, 'index.ts')];
  return candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile());
}

/** The top-level folder of src/ a file belongs to; files loose at the top count as "(top)". */
function folderOf(src: string, file: string): string {
  const rel = path.relative(src, file).split(path.sep);
  return rel.length > 1 ? rel[0]! : '(top)';
}

interface Edge {
  from: string;
  to: string;
}

function collect(src: string): { fileEdges: Edge[]; folderEdges: Map<string, Set<string>> } {
  const fileEdges: Edge[] = [];
  const folderEdges = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    for (const spec of importsOf(file)) {
      const target = resolveImport(file, spec);
      if (!target || !target.startsWith(src)) continue;
      fileEdges.push({ from: path.relative(src, file), to: path.relative(src, target) });
      const a = folderOf(src, file);
      const b = folderOf(src, target);
      if (a === b) continue;
      if (!folderEdges.has(a)) folderEdges.set(a, new Set());
      folderEdges.get(a)!.add(b);
    }
  }
  return { fileEdges, folderEdges };
}

/** Strongly connected components with more than one folder (Tarjan). */
function folderCycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const nodes = new Set([...graph.keys(), ...[...graph.values()].flatMap((s) => [...s])]);
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of [...nodes].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** Every rule broken under `src` (a folder laid out like this repository's src/). */
export function violations(src = SRC): string[] {
  const { fileEdges, folderEdges } = collect(src);
  const found = new Set<string>();
  // Every folder edge inside a cycle is named, so a new edge into an old cycle is still a new violation.
  for (const cycle of folderCycles(folderEdges)) {
    for (const a of cycle) {
      for (const b of folderEdges.get(a) ?? []) if (cycle.includes(b)) found.add(`folder edge in a cycle: ${a} -> ${b}`);
    }
  }
  for (const { from, to } of fileEdges) {
    const a = folderOf(src, path.join(src, from));
    const b = folderOf(src, path.join(src, to));
    if (/(^|\/)store\.ts$/.test(from) && /(^|\/)service\.ts$/.test(to)) found.add(`store imports service: ${from} -> ${to}`);
    if (a === b) continue;
    const allowed = KERNELS[a];
    if (allowed && !allowed.includes(b)) found.add(`${a}/ imports ${kindOf(b)}: ${from} -> ${to}`);
    else if (!COMPOSITION.includes(a) && COMPOSITION.includes(b)) found.add(`${a}/ imports composition: ${from} -> ${to}`);
  }
  return [...found].sort();
}

function main(): void {
  const args = new Set(process.argv.slice(2));
  if (args.has('--graph')) {
    for (const [from, tos] of [...collect(SRC).folderEdges].sort()) console.log(`${from} -> ${[...tos].sort().join(', ')}`);
    return;
  }
  const now = violations();
  if (args.has('--update')) {
    fs.writeFileSync(BASELINE, `${JSON.stringify(now, null, 2)}\n`);
    console.log(`baseline: ${now.length} known violation(s) written to ${path.relative(ROOT, BASELINE)}`);
    return;
  }
  const baseline = new Set<string>(fs.existsSync(BASELINE) ? (JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as string[]) : []);
  const fresh = now.filter((v) => !baseline.has(v));
  const stale = [...baseline].filter((v) => !now.includes(v));
  const known = now.length - fresh.length;
  console.log(`import rules: ${fresh.length} new violation(s), ${known} known (baseline), ${stale.length} fixed`);
  for (const v of fresh) console.log(`  NEW   ${v}`);
  for (const v of stale) console.log(`  FIXED ${v} (remove it from the baseline: npx tsx scripts/check-imports.ts --update)`);
  if (fresh.length > 0 || stale.length > 0) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
