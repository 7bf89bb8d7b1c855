// Scripted misbehaviour per endpoint: Meta errors, raw 5xx bodies,
// Retry-After, slow answers, dropped connections, and "record the send, then
// misbehave" to prove a timed-out send is never sent twice, and bodies
// drip-fed a byte at a time.
import { z } from 'zod';

export interface FaultSpec {
  method?: string;
  /** Exact path, a glob (`*` = one segment, `**` = anything), or a RegExp. Matched with and without the `/vNN.N` prefix. */
  path: string | RegExp;
  /** How many matching requests to affect (default 1; Infinity allowed). */
  times?: number;
  status?: number;
  metaError?: { code: number; subcode?: number; message?: string; type?: string; isTransient?: boolean; details?: string };
  /** Non-JSON body (e.g. an HTML 502 page); used when no metaError is given. */
  rawBody?: string;
  /** Extra response headers (e.g. Location for a redirect). */
  headers?: Record<string, string>;
  /** Retry-After header: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  delayMs?: number;
  /** Destroy the socket without answering (after delayMs). */
  dropConnection?: boolean;
  /** POST …/messages only: run the real send (recorded as accepted) before misbehaving. */
  recordFirst?: boolean;
  /** Answer at once but drip-feed the body one byte every this many ms (keeps a per-chunk body timer alive forever). */
  dripMs?: number;
}

export interface ActiveFault extends FaultSpec {
  id: number;
  remaining: number;
  hits: number;
  matcher: RegExp;
}

/** JSON form for the control API: `pathRegex` replaces a RegExp, `times: null` means Infinity. */
export const faultJsonSchema = z.object({
  method: z.string().optional(),
  path: z.string().optional(),
  pathRegex: z.string().optional(),
  times: z.union([z.number().int().positive(), z.literal('Infinity'), z.null()]).optional(),
  status: z.number().int().min(100).max(599).optional(),
  metaError: z
    .object({
      code: z.number().int(),
      subcode: z.number().int().optional(),
      message: z.string().optional(),
      type: z.string().optional(),
      isTransient: z.boolean().optional(),
      details: z.string().optional(),
    })
    .optional(),
  rawBody: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  retryAfter: z.union([z.number().nonnegative(), z.string()]).optional(),
  delayMs: z.number().int().nonnegative().optional(),
  dropConnection: z.boolean().optional(),
  recordFirst: z.boolean().optional(),
  dripMs: z.number().int().positive().optional(),
});

export function faultFromJson(input: unknown): FaultSpec {
  const j = faultJsonSchema.parse(input);
  const path = j.pathRegex !== undefined ? new RegExp(j.pathRegex) : j.path;
  if (path === undefined) throw new Error('A fault needs "path" or "pathRegex"');
  const { pathRegex: _pathRegex, times, ...rest } = j;
  return { ...rest, path, times: times === null || times === 'Infinity' ? Infinity : times };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else re += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export class FaultTable {
  private faults: ActiveFault[] = [];
  private nextId = 1;

  add(spec: FaultSpec): ActiveFault {
    const times = spec.times ?? 1;
    const fault: ActiveFault = {
      ...spec,
      id: this.nextId++,
      remaining: times,
      hits: 0,
      matcher: typeof spec.path === 'string' ? globToRegExp(spec.path) : spec.path,
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first fault matching this request. */
  take(method: string, pathname: string): ActiveFault | null {
    const bare = pathname.replace(/^\/v\d+\.\d+(?=\/)/, '');
    for (const f of this.faults) {
      if (f.remaining <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method.toUpperCase()) continue;
      const test = (s: string): boolean => {
        f.matcher.lastIndex = 0; // a /g RegExp from a caller keeps state between tests
        return f.matcher.test(s);
      };
      if (!test(pathname) && !test(bare)) continue;
      f.remaining--;
      f.hits++;
      return f;
    }
    return null;
  }

  list(): { id: number; method: string | null; path: string; remaining: number | 'Infinity'; hits: number }[] {
    return this.faults.map((f) => ({
      id: f.id,
      method: f.method ?? null,
      path: String(f.path),
      remaining: f.remaining === Infinity ? 'Infinity' : f.remaining,
      hits: f.hits,
    }));
  }
}
