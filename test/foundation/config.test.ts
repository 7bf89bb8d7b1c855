import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

describe('configuration from the environment', () => {
  it('a postgres:// DATABASE_URL selects PostgreSQL, with DATA_DIR (default ./data) for local files', () => {
    const url = 'postgres://wcs:secret@db.internal:5432/wcs';
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ kind: 'postgres', url, dataDir: path.resolve('data') });
    expect(loadConfig({ DATABASE_URL: url, DATA_DIR: '/var/lib/wcs' }).database).toMatchObject({
      kind: 'postgres',
      dataDir: '/var/lib/wcs',
    });
  });

  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toMatchObject({ kind: 'sqlite', file: path.resolve('data/wcs.sqlite') });
    expect(config.meta.apiVersion).toBe('v25.0');
    expect(config.meta.graphUrl).toBeUndefined(); // outside production: the in-process simulator
    expect(config.publicUrl).toBe('http://localhost:4000');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ ENCRYPTION_KEY: 'c2hvcnQ=' }, 'ENCRYPTION_KEY'],
    [{ META_GRAPH_API_VERSION: '25' }, 'META_GRAPH_API_VERSION'],
    [{ PUBLIC_URL: 'ftp://example.com' }, 'PUBLIC_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'file:' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production', PUBLIC_URL: 'https://wcs.example.com' }, 'ENCRYPTION_KEY'],
  ])('rejects %j naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig(env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
  });

  it('uses graph.facebook.com in production unless told otherwise', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://wcs.example.com/',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(config.meta.graphUrl).toBe('https://graph.facebook.com');
    expect(config.publicUrl).toBe('https://wcs.example.com');
  });
});
