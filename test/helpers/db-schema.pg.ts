/** Every PostgreSQL table (each slice's tables.pg.ts), for tests: the drizzle client of platform/pg takes the schema from its caller. */
export * from '../../src/platform/tenancy/tables.pg.js';
export * from '../../src/platform/jobs/tables.pg.js';
export * from '../../src/settings/tables.pg.js';
export * from '../../src/credentials/tables.pg.js';
export * from '../../src/credentials/account/tables.pg.js';
export * from '../../src/webhooks/tables.pg.js';
export * from '../../src/profiles/tables.pg.js';
export * from '../../src/channel-configurations/tables.pg.js';
export * from '../../src/messages/tables.pg.js';
export * from '../../src/sending/tables.pg.js';
