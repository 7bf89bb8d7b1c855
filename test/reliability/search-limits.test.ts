import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { useWorld } from '../helpers/world.js';

// Issue 16 point 7: `search` with a very long or wildcard-heavy text answered "Unexpected error." (SQLite's LIKE
// pattern limit). Now a text longer than any name is a typed BAD_USER_INPUT error naming the argument, and
// wildcards match themselves.

const w = useWorld();
const QUERY = 'query($s: String) { channelConfigurations(first: 5, search: $s) { totalCount } }';

async function search(s: string) {
  const res = await request(`${w.h.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${w.h.adminKey}` },
    body: JSON.stringify({ query: QUERY, variables: { s } }),
  });
  return (await res.body.json()) as {
    data?: { channelConfigurations: { totalCount: number } } | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

describe('channelConfigurations(search:)', () => {
  it('a very long or wildcard-heavy text is a typed validation error, not "Unexpected error."', async () => {
    for (const s of ['a'.repeat(60_000), '%'.repeat(40_000), '_%\\'.repeat(20_000), 'x'.repeat(201)]) {
      const res = await search(s);
      expect(res.errors?.[0]).toMatchObject({
        message: 'search: at most 200 characters.',
        extensions: { code: 'BAD_USER_INPUT', argument: 'search' },
      });
      expect(JSON.stringify(res)).not.toMatch(/Unexpected error/);
    }
  });

  it('wildcards within the limit match themselves: nothing is found, no error', async () => {
    for (const s of ['%', '_', '%'.repeat(200), '\\%_'.repeat(66), 'x'.repeat(200)]) {
      const res = await search(s);
      expect(res.errors).toBeUndefined();
      expect(res.data!.channelConfigurations.totalCount).toBe(0);
    }
  });
});
