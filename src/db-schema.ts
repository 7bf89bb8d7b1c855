/** Every table, for drizzle's typed client and drizzle-kit. Each domain owns its tables.ts. */
export * from './platform/tenancy/tables.js';
export * from './platform/jobs/tables.js';
export * from './settings/tables.js';
export * from './credentials/tables.js';
export * from './credentials/account/tables.js';
export * from './webhooks/tables.js';
export * from './messaging/tables.js';
export * from './profiles/tables.js';
export * from './channel-configurations/tables.js';
export * from './messaging/send/tables.js';
