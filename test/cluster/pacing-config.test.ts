import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

// REDIS_URL (issue 19, pacing): optional, validated at start with an error that names the variable and never
// echoes the URL (it may hold a password).

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('REDIS_URL', () => {
  it('is optional: without it nothing paces on Redis (and an empty value means unset)', () => {
    expect(loadConfig({}).pacing.redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: '' }).pacing.redisUrl).toBeUndefined();
  });

  it.each(['redis://127.0.0.1:6379', 'redis://:s3cret@cache.internal:6380/2', 'rediss://user:pw@cache.example.com'])(
    'accepts %s',
    (url) => {
      expect(loadConfig({ REDIS_URL: url, DATABASE_URL: 'postgres://wcs@127.0.0.1:5432/wcs' }).pacing.redisUrl).toBe(url);
    },
  );

  it.each([['http://user:s3cret-pw@127.0.0.1:6379'], ['redis://user:s3cret-pw@'], ['not a url s3cret-pw'], ['127.0.0.1:6379']])(
    'refuses %s with an error naming REDIS_URL, without the password',
    (url) => {
      const err = configError({ REDIS_URL: url });
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]).toMatch(/^REDIS_URL: must be redis:\/\//);
      expect(`${err.message} ${String(err.stack)}`).not.toContain('s3cret-pw');
    },
  );
});
