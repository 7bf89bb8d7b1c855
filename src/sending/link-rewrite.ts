import { randomBytes } from 'node:crypto';

/**
 * Link tracking helpers: find the http(s) URLs of a message text and replace
 * them with tracked redirect URLs. Only http and https are ever matched, so
 * javascript:, data: or mailto: links are left alone and can never become a
 * redirect target.
 */

export interface FoundLink {
  /** The URL exactly as written in the text. */
  url: string;
  start: number;
  end: number;
}

export interface RewrittenLink {
  /** The original URL (as written). */
  original: string;
  /** What replaced it (e.g. PUBLIC_URL/l/<token>). */
  replacement: string;
  /** How many times it occurs in the text. */
  occurrences: number;
}

/** Longest URL we rewrite; longer "URLs" are left as they are (Meta's text limit is 4096 anyway). */
export const MAX_URL_LENGTH = 2048;
export const LINK_TOKEN_BYTES = 18;
const LINK_TOKEN_RULE = /^[A-Za-z0-9_-]{24}$/;

// A scheme at a word boundary: "xhttp://" or "myhttps://" is not a link.
const START = /(?<![A-Za-z0-9+.-])https?:\/\//giu;
// RFC 3986 characters (unreserved, reserved, %) plus non-ASCII letters, marks and digits (IRIs pasted from a browser).
const URL_CHAR = /[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%\p{L}\p{M}\p{N}]/u;
// Likely sentence punctuation (or WhatsApp *bold* / _italic_ / ~strike~ markers) when at the very end.
const TRAILING = new Set(['.', ',', ':', ';', '!', '?', "'", '"', '*', '_', '~']);
const PAIRS: Record<string, string> = { ')': '(', ']': '[' };

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** Drops trailing punctuation, and closing brackets that close something outside the URL: "(see https://x.test/a)". */
function trimEnd(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1);
    if (last === undefined) return out;
    if (TRAILING.has(last)) {
      out = out.slice(0, -1);
      continue;
    }
    const open = PAIRS[last];
    // Balanced brackets belong to the URL (https://en.wikipedia.org/wiki/Bracket_(disambiguation)).
    if (open && count(out, last) > count(out, open)) {
      out = out.slice(0, -1);
      continue;
    }
    return out;
  }
}

function isHttpUrl(candidate: string): boolean {
  if (candidate.length > MAX_URL_LENGTH) return false;
  try {
    const parsed = new URL(candidate);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Every http(s) URL in the text, in order. */
export function findLinks(text: string): FoundLink[] {
  const links: FoundLink[] = [];
  const starts = new RegExp(START); // own lastIndex per call
  let match: RegExpExecArray | null;
  while ((match = starts.exec(text))) {
    const start = match.index;
    let end = start + match[0].length;
    while (end < text.length) {
      // Code points, so an astral letter is never split in half.
      const ch = String.fromCodePoint(text.codePointAt(end)!);
      if (!URL_CHAR.test(ch)) break;
      end += ch.length;
    }
    const url = trimEnd(text.slice(start, end));
    if (url.length > match[0].length && isHttpUrl(url)) {
      links.push({ url, start, end: start + url.length });
      starts.lastIndex = start + url.length;
    } else {
      starts.lastIndex = start + match[0].length;
    }
  }
  return links;
}

/**
 * Replaces every http(s) URL of the text. makeUrl is called once per distinct
 * URL, in order of first appearance (index 0, 1, …), and its result replaces
 * every occurrence of that URL: the sender stores one tracked link per URL per
 * message. Returning the original leaves that URL untracked.
 */
export function rewriteLinks(text: string, makeUrl: (original: string, index: number) => string): { text: string; links: RewrittenLink[] } {
  const found = findLinks(text);
  if (!found.length) return { text, links: [] };
  const byUrl = new Map<string, RewrittenLink>();
  let out = '';
  let cursor = 0;
  for (const link of found) {
    let rewritten = byUrl.get(link.url);
    if (!rewritten) {
      rewritten = { original: link.url, replacement: makeUrl(link.url, byUrl.size), occurrences: 0 };
      byUrl.set(link.url, rewritten);
    }
    rewritten.occurrences++;
    out += text.slice(cursor, link.start) + rewritten.replacement;
    cursor = link.end;
  }
  out += text.slice(cursor);
  return { text: out, links: [...byUrl.values()].filter((l) => l.replacement !== l.original) };
}

/** An opaque, unguessable link token: 18 CSPRNG bytes (144 bits), base64url, 24 characters. */
export function newLinkToken(): string {
  return randomBytes(LINK_TOKEN_BYTES).toString('base64url');
}

/** Whether a string has the shape of a link token (lets the redirect route answer 404 without a lookup). */
export function isLinkToken(value: string): boolean {
  return LINK_TOKEN_RULE.test(value);
}

/** The public redirect URL of a token: `${publicUrl}/l/${token}` (a trailing slash of publicUrl is ignored). */
export function trackedLinkUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/l/${token}`;
}

/**
 * The Location header value for a stored original URL: the same URL in ASCII
 * (punycode host, percent-encoded path), since HTTP headers cannot carry
 * non-ASCII text. Null when it is not an http(s) URL (never redirect there).
 */
export function redirectTarget(original: string): string | null {
  if (!isHttpUrl(original)) return null;
  return new URL(original).href;
}
