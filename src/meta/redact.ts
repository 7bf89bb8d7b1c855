// Tokens must never reach logs, call records or error messages. Meta puts
// access tokens in `paging.next` URLs and some proxies echo headers into
// error bodies, so everything we keep from a response passes through here.

const SECRET_QUERY_PARAMS = ['access_token', 'input_token', 'appsecret_proof', 'client_secret'];
const SECRET_PARAM_RE = new RegExp(`((?:${SECRET_QUERY_PARAMS.join('|')})(?:=|%3D))[^&\\s"'<>]*`, 'gi');
const BEARER_RE = /(bearer\s+)[^\s"'<>,;]+/gi;

/** Removes secret query parameters from a path such as `/v25.0/debug_token?input_token=…&x=1`. */
export function redactPath(pathWithQuery: string): string {
  const q = pathWithQuery.indexOf('?');
  if (q < 0) return pathWithQuery;
  // Drop pairs textually so the rest of the query stays byte-for-byte as sent.
  const kept = pathWithQuery
    .slice(q + 1)
    .split('&')
    .filter((pair) => {
      const rawKey = pair.split('=')[0] ?? '';
      let key = rawKey;
      try {
        key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      } catch {
        // keep the raw key for matching
      }
      return pair !== '' && !SECRET_QUERY_PARAMS.includes(key.toLowerCase());
    });
  return kept.length ? `${pathWithQuery.slice(0, q)}?${kept.join('&')}` : pathWithQuery.slice(0, q);
}

/** Masks known secrets in free text (Meta messages, details, transport errors). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret inside another is not left half-masked. Short
  // ones are masked too, even if that garbles a word: a secret never leaks.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out.replace(SECRET_PARAM_RE, '$1[redacted]').replace(BEARER_RE, '$1[redacted]');
}
