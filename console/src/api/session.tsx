import type { AnyVariables, TypedDocumentNode } from '@urql/core';
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Api } from './client';
import { run } from './client';
import type { ConnectionState, TransportKind } from './transport';

/** What every screen needs: the client, whether the key may write, and a counter that moves on any change in the sandbox. */
export interface Session {
  api: Api;
  role: 'ADMIN' | 'VIEWER';
  canWrite: boolean;
  sandbox: string;
  organization: string;
  keyPrefix: string;
  connection: { state: ConnectionState; kind: TransportKind };
  /** Bumped whenever the audit log reports a change (by anyone): lists without a status stream refetch on it. */
  changes: number;
  signOut(message?: string): void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export interface QueryState<D> {
  data: D | undefined;
  error: string | undefined;
  loading: boolean;
  refetch(): void;
}

/** Runs a query on mount, when its variables change, when anything changes in the sandbox (`live`), and on refetch. */
export function useQueryData<D, V extends AnyVariables>(
  doc: TypedDocumentNode<D, V>,
  variables: V,
  options: { live?: boolean; pause?: boolean } = {},
): QueryState<D> {
  const { api, changes } = useSession();
  const [state, setState] = useState<{ data?: D; error?: string; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const varsKey = JSON.stringify(variables);
  const liveKey = options.live ? changes : 0;
  useEffect(() => {
    if (options.pause) return;
    let current = true;
    run(api.client, doc, variables).then(
      (data) => current && setState({ data, loading: false }),
      (err: Error) => current && setState((s) => ({ ...s, error: err.message, loading: false })),
    );
    return () => {
      current = false;
    };
    // varsKey stands for variables (a new object each render).
  }, [api, doc, varsKey, tick, liveKey, options.pause]);
  const refetch = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, refetch };
}

/** Calls onData for every event of a subscription while the component is mounted. */
export function useSubscription<D, V extends AnyVariables>(
  doc: TypedDocumentNode<D, V>,
  variables: V,
  onData: (data: D) => void,
  pause = false,
): void {
  const { api } = useSession();
  const handler = useRef(onData);
  handler.current = onData;
  const varsKey = JSON.stringify(variables);
  useEffect(() => {
    if (pause) return;
    const sub = api.client.subscription(doc, variables).subscribe((result) => {
      if (result.data) handler.current(result.data);
    });
    return () => sub.unsubscribe();
  }, [api, doc, varsKey, pause]);
}
