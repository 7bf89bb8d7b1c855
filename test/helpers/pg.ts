import { LOCAL_PG_ADMIN_URL, probePg } from '../../src/platform/pg/fresh-database.js';

/**
 * PostgreSQL for the tests: WCS_TEST_PG_URL (a URL that may CREATE DATABASE), default this machine's server
 * on 127.0.0.1:5432 with trust auth. Suites that need it use describe.skipIf(!pg.available)(pg.title(…)):
 * without a server they are skipped, and their title says why.
 */
export const PG_ADMIN_URL = process.env.WCS_TEST_PG_URL || LOCAL_PG_ADMIN_URL;

const probe = await probePg(PG_ADMIN_URL);
if (!probe.ok) {
  // CI (.ci/run) sets WCS_REQUIRE_PG: there a missing server fails the run instead of skipping its tests.
  if (process.env.WCS_REQUIRE_PG) throw new Error(`WCS_REQUIRE_PG is set but ${probe.reason}`);
  console.warn(`[pg tests skipped] ${probe.reason}`);
}

export const pg = {
  available: probe.ok,
  title: (name: string) => (probe.ok ? name : `${name} (skipped: ${probe.reason})`),
};
