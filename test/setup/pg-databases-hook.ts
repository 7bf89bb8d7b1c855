import { afterAll } from 'vitest';
import { dropTestDatabases } from '../helpers/harness.js';

// WCS_TEST_BACKEND=pg: each file drops the PostgreSQL databases its harnesses made (restart tests reuse theirs
// within the file). Nothing to do on SQLite: the temp folders go with the process.
afterAll(async () => {
  await dropTestDatabases();
});
