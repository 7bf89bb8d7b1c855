/** Every PostgreSQL table (each domain's tables.pg.ts), for drizzle's typed node-postgres client; mirrors db-schema.ts. */
export * from './platform/tenancy/tables.pg.js';
export * from './platform/jobs/tables.pg.js';
export * from './settings/tables.pg.js';
export * from './credentials/tables.pg.js';
export * from './credentials/account/tables.pg.js';
export * from './webhooks/tables.pg.js';
export * from './profiles/tables.pg.js';
export * from './channel-configurations/tables.pg.js';
