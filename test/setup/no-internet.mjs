// Tests never reach the internet (issue 3): every TCP/TLS connection a test process opens must go to this
// machine. Loaded by vitest (setupFiles) and, through NODE_OPTIONS, by every process the tests spawn. A
// connection anywhere else throws at once and is recorded, and the vitest hook fails the test that made it.
// Plain JavaScript on purpose: it runs before tsx or vitest can transform anything.
import net from 'node:net';

const blocked = (globalThis.__wcsBlockedConnections ??= []);

// `.invalid` names (RFC 6761) can never resolve: the DNS-failure tests use one, and no connection can follow.
const isAllowed = (host) =>
  host === 'localhost' ||
  host.endsWith('.invalid') ||
  host.endsWith('.localhost') ||
  host === '::1' ||
  host === '0:0:0:0:0:0:0:1' ||
  /^127\.\d+\.\d+\.\d+$/.test(host) ||
  /^::ffff:127\.\d+\.\d+\.\d+$/i.test(host);

/** The host a Socket#connect call aims at, or null for a Unix socket / named pipe (always local). */
function targetOf(args) {
  // net.connect and tls.connect hand over their normalised arguments as one array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first && typeof first === 'object') {
    if (first.path) return null;
    return { host: String(first.host ?? 'localhost'), port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return null; // a path
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
}

if (!net.Socket.prototype.connect.__wcsGuarded) {
  const connect = net.Socket.prototype.connect;
  const guarded = function (...args) {
    const target = targetOf(args);
    if (target && !isAllowed(target.host.replace(/^\[|\]$/g, ''))) {
      const where = `${target.host}:${target.port}`;
      blocked.push(where);
      process.stderr.write(`[test guard] blocked a connection to ${where}: tests never reach the internet\n`);
      const err = new Error(`Blocked by the test guard: a connection to ${where} (tests never reach the internet)`);
      err.code = 'ETESTNOINTERNET';
      throw err;
    }
    return connect.apply(this, args);
  };
  guarded.__wcsGuarded = true;
  net.Socket.prototype.connect = guarded;
}

/** The connections blocked so far in this process (and forgets them). */
export function takeBlockedConnections() {
  return blocked.splice(0);
}
