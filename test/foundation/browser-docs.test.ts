import fs from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';

/** docs/api.md's "From a browser" says what the server does (issue 12 point 10): checked against a real preflight. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { CORS_ORIGINS: 'http://app.example' } });
});
afterAll(async () => h?.stop());

describe('docs/api.md, From a browser', () => {
  const doc = fs.readFileSync('docs/api.md', 'utf8');
  const section = doc.slice(doc.indexOf('## From a browser'), doc.indexOf('\n## ', doc.indexOf('## From a browser') + 1));

  it('covers CORS_ORIGINS, the key as CSRF proof, the WebSocket origin rule and GraphiQL', () => {
    expect(section.length).toBeGreaterThan(0);
    for (const term of [
      'CORS_ORIGINS',
      'Authorization: Bearer',
      'CSRF',
      'WebSocket',
      'also when',
      'GraphiQL',
      'Headers tab',
      'SSE',
      '415',
    ]) {
      expect(section, term).toContain(term);
    }
  });

  it('lists the very methods and headers a preflight is answered with', async () => {
    const res = await request(`${h.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'http://app.example', 'access-control-request-method': 'POST' },
    });
    await res.body.text();
    expect(section).toContain(`(\`${String(res.headers['access-control-allow-methods'])}\`)`);
    const documented = section.replace(/\s+/g, ' ');
    expect(documented).toContain(`(\`${String(res.headers['access-control-allow-headers'])}\`)`);
  });

  it("README: GraphiQL's sentence says it works offline", () => {
    const readme = fs.readFileSync('README.md', 'utf8').replace(/\s+/g, ' ');
    expect(readme).toMatch(/GraphiQL \(outside production\): its assets are served by the service itself \(no CDN, works offline\)/);
  });
});
