import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, RouterProvider } from 'react-aria-components';
import { createApi, run, type Api } from './api/client';
import { AuditDoc, ViewerDoc } from './api/operations';
import { SessionProvider, type Session } from './api/session';
import type { ConnectionState, TransportKind } from './api/transport';
import { navigate, usePath, BASE } from './router';
import { SignIn } from './screens/SignIn';
import { CredentialsPage } from './screens/Credentials';
import { WebhooksPage } from './screens/Webhooks';
import { ConfigurationsPage } from './screens/Configurations';
import { ActivityPage } from './screens/Activity';

/** The key lives in sessionStorage only: it goes with the tab, never into localStorage or a cookie. */
const KEY_ITEM = 'wcs.apiKey';

const NAV = [
  { path: '/api-credentials', label: 'API credentials' },
  { path: '/webhooks', label: 'Webhooks' },
  { path: '/channel-configurations', label: 'Channel configurations' },
  { path: '/activity', label: 'Activity' },
];

type SignedIn = Omit<Session, 'connection' | 'changes' | 'signOut'>;

export function App() {
  const [key, setKey] = useState<string | null>(() => sessionStorage.getItem(KEY_ITEM));
  const [notice, setNotice] = useState<string | undefined>();
  const [session, setSession] = useState<SignedIn | undefined>();
  const [connection, setConnection] = useState<{ state: ConnectionState; kind: TransportKind }>({ state: 'connecting', kind: 'websocket' });
  const [changes, setChanges] = useState(0);

  const signOut = useCallback((message?: string) => {
    sessionStorage.removeItem(KEY_ITEM);
    setKey(null);
    setSession(undefined);
    setNotice(message);
  }, []);

  useEffect(() => {
    if (!key) return;
    // Cleared once this key's session ends, so a late answer of the old client changes nothing.
    let api: Api | undefined;
    const created = createApi(key, {
      onState: (state, kind) => setConnection({ state, kind }),
      onUnauthorized: () => {
        if (!api) return;
        api = undefined;
        signOut('Your API key is no longer accepted (revoked or unknown). Sign in with a valid key.');
      },
    });
    api = created;
    run(created.client, ViewerDoc, {}).then(
      ({ viewer }) => {
        if (!api) return;
        setSession({
          api: created,
          role: viewer.role,
          canWrite: viewer.role === 'ADMIN',
          sandbox: viewer.sandbox.name,
          organization: viewer.organization.name,
          keyPrefix: viewer.apiKeyPrefix,
        });
      },
      (err: Error) => {
        if (!api) return;
        api = undefined;
        signOut(err.message);
      },
    );
    // Anything changed by anyone in the sandbox: screens without their own status stream refetch.
    const audit = created.client.subscription(AuditDoc, {}).subscribe(() => setChanges((c) => c + 1));
    return () => {
      audit.unsubscribe();
      api = undefined;
      created.dispose();
    };
  }, [key, signOut]);

  const path = usePath();
  const value = useMemo<Session | undefined>(
    () => (session ? { ...session, connection, changes, signOut } : undefined),
    [session, connection, changes, signOut],
  );

  if (!key) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(k) => {
          sessionStorage.setItem(KEY_ITEM, k);
          setNotice(undefined);
          setKey(k);
          if (path === '/') navigate('/api-credentials');
        }}
      />
    );
  }
  if (!value) {
    return (
      <main className="centered">
        <p role="status">Signing in…</p>
      </main>
    );
  }
  return (
    <RouterProvider navigate={navigate}>
      <SessionProvider value={value}>
        <div className="shell">
          <header className="topbar">
            <span className="brand">WhatsApp channel console</span>
            <nav aria-label="Main">
              <ul>
                {NAV.map((item) => (
                  <li key={item.path}>
                    <Link href={`${BASE}${item.path}`} aria-current={path.startsWith(item.path) ? 'page' : undefined}>
                      {item.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </nav>
            <ConnectionBadge state={connection.state} kind={connection.kind} />
            <span className="who">
              {value.organization} / {value.sandbox} · {value.role}
            </span>
            <button type="button" className="link-button" onClick={() => signOut()}>
              Sign out
            </button>
          </header>
          <main className="content">{renderPage(path)}</main>
        </div>
      </SessionProvider>
    </RouterProvider>
  );
}

function renderPage(path: string) {
  if (path.startsWith('/webhooks')) return <WebhooksPage />;
  if (path.startsWith('/channel-configurations')) return <ConfigurationsPage path={path.slice('/channel-configurations'.length)} />;
  if (path.startsWith('/activity')) return <ActivityPage />;
  return <CredentialsPage path={path.startsWith('/api-credentials') ? path.slice('/api-credentials'.length) : ''} />;
}

function ConnectionBadge({ state, kind }: { state: ConnectionState; kind: TransportKind }) {
  const label = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span
      role="status"
      aria-label={`Connection: ${label}${state === 'live' && kind === 'sse' ? ' (SSE)' : ''}`}
      className={`badge conn-${state}`}
      data-transport={kind}
    >
      {label}
      {state === 'live' && kind === 'sse' ? ' (SSE)' : ''}
    </span>
  );
}
