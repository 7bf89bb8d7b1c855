// Parses a big notification a slice at a time, yielding the event loop in
// between: Meta batches up to 1,000 updates per delivery (and a body may
// reach 3 MB), and validating thousands of statuses in one go held every
// other request back for over 100 ms. The result is exactly what
// parseWebhookPayload returns for the whole body.
import { parseWebhookPayload, type WebhookChange, type WebhookParseResult } from './webhook-payload.js';

/** Items of one array (statuses, messages, contacts) validated per slice. */
const SLICE_ITEMS = 200;
/** Arrays of a `messages` value that are cut into slices and joined again after validation. */
const SLICED = ['contacts', 'messages', 'statuses'] as const;

interface RawChange {
  field?: unknown;
  value?: unknown;
}
interface RawEntry {
  id?: unknown;
  time?: unknown;
  changes?: unknown;
}

export interface SliceOptions {
  /** Called between slices; the caller yields the event loop there when its time budget is spent. */
  pause: () => Promise<void>;
}

/** Whether the body has the shape whose big changes can be sliced (anything else is small or invalid: parsed whole). */
function entriesOf(json: unknown): RawEntry[] | null {
  const entry = (json as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entry)) return null;
  for (const e of entry as unknown[]) if (!e || typeof e !== 'object' || !Array.isArray((e as RawEntry).changes)) return null;
  return entry as RawEntry[];
}

function itemCount(change: unknown): number {
  const { field, value } = (change ?? {}) as RawChange;
  if (field !== 'messages' || !value || typeof value !== 'object') return 0;
  const v = value as Record<string, unknown>;
  return Math.max(0, ...SLICED.map((k) => (Array.isArray(v[k]) ? (v[k] as unknown[]).length : 0)));
}

/** Slice k of a messages value: the k-th SLICE_ITEMS of each array, the rest of the value as it is. */
function sliceValue(value: Record<string, unknown>, k: number): Record<string, unknown> {
  const piece: Record<string, unknown> = { ...value };
  for (const key of SLICED) {
    if (Array.isArray(value[key])) piece[key] = (value[key] as unknown[]).slice(k * SLICE_ITEMS, (k + 1) * SLICE_ITEMS);
  }
  if (k > 0) delete piece.errors;
  return piece;
}

/** Issue paths of slice k name the item's index in the whole array. */
function shiftIssues(issues: string[], k: number): string[] {
  return issues.map((issue) =>
    issue.replace(/^(contacts|messages|statuses)\.(\d+)/, (_m, key: string, i: string) => `${key}.${Number(i) + k * SLICE_ITEMS}`),
  );
}

function parseOne(entry: RawEntry, change: unknown): WebhookChange {
  const parsed = parseWebhookPayload({ object: 'whatsapp_business_account', entry: [{ ...entry, changes: [change] }] });
  if (!parsed.ok) throw new Error('an entry that passed the envelope check failed it again');
  return parsed.entries[0]!.changes[0]!;
}

async function parseSliced(entry: RawEntry, change: RawChange, count: number, options: SliceOptions): Promise<WebhookChange> {
  const value = change.value as Record<string, unknown>;
  const pieces: WebhookChange[] = [];
  for (let k = 0; k * SLICE_ITEMS < count; k++) {
    if (k > 0) await options.pause();
    const piece = parseOne(entry, { ...change, value: sliceValue(value, k) });
    if (piece.kind === 'invalid') return { ...piece, issues: shiftIssues(piece.issues, k), raw: value };
    pieces.push(piece);
  }
  const first = pieces[0]!;
  if (first.kind !== 'messages') return first;
  const all = pieces as Array<typeof first>;
  return {
    ...first,
    contacts: all.flatMap((p) => p.contacts),
    messages: all.flatMap((p) => p.messages),
    statuses: all.flatMap((p) => p.statuses),
    raw: value,
  };
}

/** parseWebhookPayload, with `options.pause()` between slices of the big changes and between changes. */
export async function parseWebhookPayloadInSlices(json: unknown, options: SliceOptions): Promise<WebhookParseResult> {
  const entries = entriesOf(json);
  const total = entries?.reduce((n, e) => n + (e.changes as unknown[]).reduce((m: number, c) => m + Math.max(1, itemCount(c)), 0), 0) ?? 0;
  if (!entries || total <= SLICE_ITEMS) return parseWebhookPayload(json);
  // The envelope alone first (object, entry ids and times), so that a bad one is refused as the whole parse would.
  const envelope = parseWebhookPayload({ ...(json as object), entry: entries.map((e) => ({ ...e, changes: [] })) });
  if (!envelope.ok) return envelope;
  const out: WebhookParseResult = { ...envelope, entries: [] };
  for (const [i, entry] of entries.entries()) {
    const changes: WebhookChange[] = [];
    for (const change of entry.changes as unknown[]) {
      const count = itemCount(change);
      changes.push(count > SLICE_ITEMS ? await parseSliced(entry, change as RawChange, count, options) : parseOne(entry, change));
      await options.pause();
    }
    out.entries.push({ ...envelope.entries[i]!, changes });
  }
  return out;
}
