import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TEST_BACKEND, type Harness } from '../helpers/harness.js';

// Issue 16 point 8: /readyz stayed 200 on a full disk while every commit failed. Now it reflects whether the
// service can store a webhook. A real small filesystem (tmpfs, mounted as root) holds the database; filling it
// turns /readyz to 503, freeing it turns it back to 200. Without root the mount is impossible: skipped.
// SQLite only: on PostgreSQL the database lives on the server's disk, which the service cannot see (no statfs of it;
// src/service/app.ts checks storage for a SQLite file only), and a full server disk shows as failed commits there.

const root = process.getuid?.() === 0;
const sqlite = TEST_BACKEND === 'sqlite';
const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-tiny-'));
let mounted = false;
let h: Harness | undefined;

beforeAll(() => {
  if (!root || !sqlite) return;
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mountPoint]);
  mounted = true;
});
afterAll(async () => {
  await h?.stop();
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

async function readyz(url: string) {
  const res = await request(`${url}/readyz`);
  return { status: res.statusCode, body: (await res.body.json()) as { status: string; reason?: string } };
}

describe('/readyz on a filling disk', () => {
  it.skipIf(!root || !sqlite)(
    "503 with the reason when the database disk is almost full, 200 again once space is freed (SQLite only: a PostgreSQL server's disk is not the service's to see)",
    async () => {
      h = await startHarness({ dataDir: mountPoint, env: { READYZ_MIN_FREE_BYTES: String(16 * 1024 * 1024) } });
      expect(await readyz(h.url)).toEqual({ status: 200, body: { status: 'ready' } });
      const filler = path.join(mountPoint, 'filler');
      // Fill to (nearly) the last byte, as a runaway log or a backup would.
      const fd = fs.openSync(filler, 'w');
      const chunk = Buffer.alloc(1024 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, chunk);
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      const full = await readyz(h.url);
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/disk almost full/) });
      fs.rmSync(filler);
      expect(await readyz(h.url)).toEqual({ status: 200, body: { status: 'ready' } });
    },
  );
});
