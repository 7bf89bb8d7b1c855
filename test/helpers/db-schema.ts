/** Every SQLite table (each slice's tables.ts), gathered for tests that compare the two dialects; src/ needs no such list. */
export * from '../../src/platform/tenancy/tables.js';
export * from '../../src/platform/jobs/tables.js';
export * from '../../src/settings/tables.js';
export * from '../../src/credentials/tables.js';
export * from '../../src/credentials/account/tables.js';
export * from '../../src/webhooks/tables.js';
export * from '../../src/messages/tables.js';
export * from '../../src/profiles/tables.js';
export * from '../../src/channel-configurations/tables.js';
export * from '../../src/sending/tables.js';
