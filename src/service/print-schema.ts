import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printPossibleTypes, printSortedSchema } from './schema.js';

/** `npm run schema:print` writes the sorted SDL that is committed and checked for drift. */
export const SCHEMA_FILE = fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url));
/** possibleTypes for normalised client caches (Apollo, urql graphcache), generated from the same schema. */
export const POSSIBLE_TYPES_FILE = fileURLToPath(new URL('../../schema/possible-types.json', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  fs.writeFileSync(SCHEMA_FILE, printSortedSchema());
  fs.writeFileSync(POSSIBLE_TYPES_FILE, printPossibleTypes());
  console.log(`wrote ${SCHEMA_FILE} and ${POSSIBLE_TYPES_FILE}`);
}
