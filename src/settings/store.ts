import { dialectStore } from '../platform/db.js';
import { pgStore } from './store.pg.js';
import * as sqlite from './store.sqlite.js';

/**
 * The slice's store contract: the functions of store.sqlite.ts, each returning a Promise, run on the backend of the
 * handle they are given (platform/db.ts dialectStore). Services import `store` from here and nothing else.
 */
export type * from './store.sqlite.js';
export const store = dialectStore(sqlite, pgStore);
