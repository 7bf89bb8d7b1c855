import { afterEach } from 'vitest';
import { takeBlockedConnections } from './no-internet.mjs';

// A test that tried to reach the internet fails, even when it swallowed the connection error.
afterEach(() => {
  const blocked = takeBlockedConnections();
  if (blocked.length) throw new Error(`This test tried to reach the internet: ${blocked.join(', ')}`);
});
