import { defineConfig } from 'drizzle-kit';

/** The PostgreSQL twin of drizzle.config.ts: the tables.pg.ts files → drizzle/pg/ (applied by src/platform/pg/migrate.ts). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/tables.pg.ts',
  out: './drizzle/pg',
});
