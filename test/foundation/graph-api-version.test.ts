import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/core/config.js';

// Issue 15 point 12: before v24.0 the Graph API has no whatsapp_business_manager_messaging_limit, which every
// phone-number read asks for; such a version is refused at start-up with a message that says why.

describe('META_GRAPH_API_VERSION', () => {
  it.each(['v23.0', 'v22.0', 'v19.0', 'v9.0'])('refuses %s, naming the variable and the oldest accepted version', (version) => {
    let error: unknown;
    try {
      loadConfig({ META_GRAPH_API_VERSION: version });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/META_GRAPH_API_VERSION: must be v24\.0 or later/);
    expect((error as Error).message).toContain('whatsapp_business_manager_messaging_limit');
  });

  it.each(['v24.0', 'v25.0', 'v26.1', 'v100.0'])('accepts %s', (version) => {
    expect(loadConfig({ META_GRAPH_API_VERSION: version }).meta.apiVersion).toBe(version);
  });
});
