import { useSyncExternalStore } from 'react';

/** Path-based routes under /console (the service answers index.html for any of them, so a reload keeps the page). */

export const BASE = '/console';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(path: string): void {
  const target = path.startsWith(BASE) ? path : `${BASE}${path}`;
  if (target !== location.pathname) history.pushState(null, '', target);
  listeners.forEach((l) => l());
}

/** The path below /console, e.g. "/webhooks" ("/" for the home page). */
export function usePath(): string {
  const pathname = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => location.pathname,
  );
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return rest === '' ? '/' : rest;
}
