import { EntitlementError } from '../errors.js';

export type Role = 'ADMIN' | 'VIEWER';

/** Who is calling: resolved once per request (or WebSocket connection) from the API key. */
export interface Viewer {
  apiKeyId: string;
  keyPrefix: string;
  organizationId: string;
  organizationName: string;
  sandboxId: string;
  sandboxName: string;
  role: Role;
  entitlements: string[];
}

/** Throws the typed EntitlementError unless the caller's organization holds `entitlement`. */
export function requireEntitlement(viewer: Viewer, entitlement: string): void {
  if (!viewer.entitlements.includes(entitlement)) throw new EntitlementError(entitlement);
}
