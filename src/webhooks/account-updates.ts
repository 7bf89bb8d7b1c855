import { applyAccountUpdate, type AccountUpdateEffect } from '../credentials/account/service.js';
import { listCredentialsByWabaId } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import type { AccountUpdateChange } from '../meta/index.js';

/**
 * Routes one `account_update` change to the credentials of this sandbox that
 * use the WABA it names (entry id, or waba_info.waba_id for partner events,
 * whose entry id is the partner's) and applies it to each (credentials/account).
 */

export type AccountChangeResult = { applied: string } | { ignored: string } | { quarantined: string };

const PARTNER_EVENTS = new Set(['PARTNER_APP_INSTALLED', 'PARTNER_APP_UNINSTALLED', 'PARTNER_ADDED', 'PARTNER_REMOVED']);

export async function applyAccountChange(
  deps: AppDeps,
  input: { sandboxId: string; entryId: string; deliveryId: string },
  change: AccountUpdateChange,
  deferPublish: (publish: () => void) => void,
): Promise<AccountChangeResult> {
  const wabaId = change.wabaInfo?.wabaId ?? input.entryId;
  const targets = (await listCredentialsByWabaId(deps, input.sandboxId, wabaId)).filter(
    // An app event about another app (partner_app_id) is not about the app our tokens belong to.
    (c) => !(PARTNER_EVENTS.has(change.event) && change.wabaInfo?.partnerAppId && c.appId && c.appId !== change.wabaInfo.partnerAppId),
  );
  if (!targets.length) {
    if ((await listCredentialsByWabaId(deps, input.sandboxId, wabaId)).length)
      return { ignored: `${change.event} about another app (${change.wabaInfo?.partnerAppId ?? '?'})` };
    return { quarantined: `${change.event} is about WABA ${wabaId}, which no credential of this sandbox uses` };
  }
  const effects = new Map<AccountUpdateEffect, number>();
  for (const credential of targets) {
    const effect = await applyAccountUpdate(
      deps,
      credential,
      {
        event: change.event,
        banState: change.banInfo?.state ?? null,
        banDate: change.banInfo?.date ?? null,
        restrictions: change.restrictions,
        violationType: change.violationType,
        deliveryId: input.deliveryId,
      },
      deferPublish,
    );
    effects.set(effect, (effects.get(effect) ?? 0) + 1);
  }
  if (effects.size === 1 && effects.has('unchanged')) return { ignored: `${change.event} (nothing to change)` };
  return { applied: `account update ${change.event}: ${[...effects].map(([e, n]) => `${n} credential(s) ${e}`).join(', ')}` };
}
