import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSortedSchema } from './schema.js';

/** `npm run schema:print` writes the sorted SDL that is committed and checked for drift. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  fs.writeFileSync(SCHEMA_FILE, printSortedSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
