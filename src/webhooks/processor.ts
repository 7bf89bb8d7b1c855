import { toPhoneFacts } from '../credentials/checks.js';
import {
  applyPhoneNumberUpdate,
  getCredential,
  listCredentialsByPhoneNumberId,
  listCredentialsByWabaId,
  requireWhatsAppEntitlement,
  openMetaSession,
  type CredentialRecord,
  type PhoneNumberPatch,
} from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { applyAccountChange } from './account-updates.js';
import { applyInboundMessage, applyUserIdUpdates } from './inbound.js';
import { CredentialRouter } from './routing.js';
import { applyMarketingPreference, applyStatusUpdate, type WebhookContext } from '../messages/service.js';
import {
  normalizeQualityRating,
  type MessagesChange,
  type PhoneNumberQualityChange,
  type UserPreferencesChange,
  type WebhookError,
} from '../meta/index.js';
import { parseWebhookPayloadInSlices } from '../meta/webhook-payload-slices.js';
import { NotFoundError } from '../platform/errors.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { TurnBudget } from '../platform/turns.js';
import { applyPrepared } from './apply-slices.js';
import { applyTemplateWebhook } from '../templates/catalog.js';
import type { DeliveryRecord } from './service.js';
import { errorReason } from '../platform/db-errors.js';
import { DUPLICATE_DETAIL, store } from './store.js';
import type { DeliveryForProcessing, WebhookRow } from './store.js';
import type { DeliveryOutcome, KeywordRule } from './tables.js';

/**
 * Applies one stored delivery: every entry and change, after the 200 went to
 * Meta. Safe to run twice (a retry, a replay, a crash half-way): messaging
 * deduplicates messages by wamid and statuses per message, consent changes by
 * their key, and a phone-number update that changes nothing publishes nothing.
 * A change about a number that is not this webhook's credential's is
 * quarantined, never applied (tenant isolation rests on it).
 */

const MAX_DETAIL = 2000;
/**
 * A big delivery (Meta batches up to 1,000 updates; a body may reach 3 MB) is
 * parsed and applied a slice of this many milliseconds at a time, each slice
 * its own transaction, so that other requests wait for one slice at most.
 */
export const SLICE_MS = 10;

export interface ProcessResult {
  outcome: Exclude<DeliveryOutcome, 'PENDING' | 'FAILED'>;
  detail: string;
  changes: number;
}

class Report {
  readonly ignored: string[] = [];
  readonly quarantined: string[] = [];
  readonly notes: string[] = [];
  private readonly counts = new Map<string, number>();

  count(what: string, n = 1): void {
    this.counts.set(what, (this.counts.get(what) ?? 0) + n);
  }

  text(changes: number): string {
    const parts = [`${changes} change${changes === 1 ? '' : 's'}`];
    if (this.counts.size) parts.push([...this.counts].map(([what, n]) => `${n} ${what}`).join(', '));
    if (this.quarantined.length) parts.push(`quarantined: ${this.quarantined.join('; ')}`);
    if (this.ignored.length) parts.push(`ignored: ${this.ignored.join('; ')}`);
    if (this.notes.length) parts.push(this.notes.join('; '));
    const text = parts.join('. ');
    return text.length > MAX_DETAIL ? `${text.slice(0, MAX_DETAIL - 1)}…` : text;
  }
}

const describeErrors = (errors: WebhookError[]): string =>
  errors.map((e) => `${e.code ?? '?'} ${e.title ?? e.message ?? ''}`.trim()).join(', ');

const digits = (s: string | null | undefined): string => (s ?? '').replace(/\D/g, '');

/** Applying steps: the applier may end its transaction (and yield the event loop) at any `yield`. */
type Steps<T = void> = AsyncGenerator<void, T, void>;

async function* applyMessages(
  deps: AppDeps,
  ctx: WebhookContext,
  change: MessagesChange,
  rules: readonly KeywordRule[],
  report: Report,
): Steps {
  for (const m of change.messages) {
    await applyInboundMessage(deps, ctx, change, m, rules, report);
    if (m.errors.length) report.notes.push(`message ${m.id} carried Meta errors: ${describeErrors(m.errors)}`);
    yield;
  }
  for (const s of change.statuses) {
    const outcome = await applyStatusUpdate(deps, ctx, {
      wamid: s.id,
      status: s.status,
      timestamp: s.timestamp,
      recipientId: s.recipientId,
      recipientUserId: s.recipientUserId,
      errors: s.errors.map((e) => ({ code: e.code, title: e.title, message: e.message, details: e.details })),
      bizOpaqueCallbackData: s.bizOpaqueCallbackData,
    });
    report.count(`status(es) ${outcome}`);
    yield;
  }
  if (change.errors.length) report.notes.push(`Meta reported errors: ${describeErrors(change.errors)}`);
}

async function* applyPreferences(deps: AppDeps, ctx: WebhookContext, change: UserPreferencesChange, report: Report): Steps {
  for (const p of change.preferences) {
    const outcome = await applyMarketingPreference(deps, ctx, {
      waId: p.waId,
      userId: p.userId,
      value: p.value,
      detail: p.detail,
      timestamp: p.timestamp,
    });
    report.count(`marketing preference(s) ${outcome}`);
    yield;
  }
}

/**
 * phone_number_quality_update names the WABA (entry id) and display number but
 * not always the rating, so the number is re-read from Meta (before the
 * transaction: it is the only wait in processing); the webhook's own facts are
 * the fallback when Meta cannot be reached.
 */
async function readQualityPatch(
  deps: AppDeps,
  credential: CredentialRecord,
  change: PhoneNumberQualityChange,
  report: Report,
): Promise<PhoneNumberPatch> {
  let patch: PhoneNumberPatch = {};
  const tier = change.maxDailyConversationsPerBusiness ?? change.currentLimit;
  if (tier) patch.messagingLimitTier = tier;
  if (change.qualityRating) {
    const rating = normalizeQualityRating(change.qualityRating);
    if (rating !== 'UNKNOWN') patch.qualityRating = rating;
  }
  try {
    const facts = toPhoneFacts(await openMetaSession(deps, credential).getPhoneNumber(credential.phoneNumberId, { retry: false }));
    patch = { ...facts, messagingLimitTier: facts.messagingLimitTier ?? patch.messagingLimitTier ?? null };
  } catch (err) {
    report.notes.push(
      `could not re-read the number from Meta (${err instanceof Error ? err.name : 'error'}); applied the webhook's facts only`,
    );
  }
  return patch;
}

const isOwnNumber = (entryId: string, change: PhoneNumberQualityChange, credential: CredentialRecord): boolean =>
  entryId === credential.wabaId && digits(change.displayPhoneNumber) === digits(credential.displayPhoneNumber);

/** What processing decided for one delivery; its outcome is written with the others of its turn (applyPrepared). */
export interface Processed {
  delivery: Pick<DeliveryForProcessing, 'id' | 'webhookId' | 'receivedAt' | 'bodySha256'>;
  result: ProcessResult;
}

/** Hands live events over to whoever commits: they go out once that commit is on disk. */
export type DeferPublish = (publish: () => void) => void;

/**
 * A delivery read and parsed, its Meta reads done. Either its outcome is already
 * known (a duplicate, a bad body) or `apply` writes its changes: synchronously,
 * inside the caller's transaction, so that a drain applies many deliveries with
 * one commit instead of one disk sync per status. `apply` is a generator: it
 * yields after every message, status or change, and applyPrepared may commit
 * there and go on in a later transaction (a big delivery spans several).
 */
export interface PreparedDelivery {
  delivery: Processed['delivery'];
  decided?: ProcessResult;
  apply?: (deferPublish: DeferPublish) => Steps<ProcessResult>;
  /** Once applying began: the steps left and the live events of the steps applied in the current transaction. */
  applying?: { steps: Steps<ProcessResult>; events: Array<() => void> };
}

/** Webhooks and credentials read once per drain batch instead of once per delivery. */
export class ProcessingCache {
  private readonly webhooks = new Map<string, WebhookRow | undefined>();
  private readonly credentials = new Map<string, CredentialRecord | undefined>();

  async webhook(deps: AppDeps, id: string): Promise<WebhookRow | undefined> {
    if (!this.webhooks.has(id)) this.webhooks.set(id, await store.findWebhookById(deps.db, id));
    return this.webhooks.get(id);
  }

  async credential(deps: AppDeps, sandboxId: string, id: string): Promise<CredentialRecord | undefined> {
    if (!this.credentials.has(id)) this.credentials.set(id, await getCredential(deps, sandboxId, id));
    return this.credentials.get(id);
  }
}

/** Only the envelope, for a duplicate's change count: no schema validation needed. */
function countChanges(json: unknown): number {
  const entries = (json as { entry?: unknown } | null)?.entry;
  if (!Array.isArray(entries)) return 0;
  return entries.reduce((n: number, e: { changes?: unknown } | null) => n + (Array.isArray(e?.changes) ? e.changes.length : 0), 0);
}

/**
 * Reads, recognises and parses one delivery, and asks Meta what its quality
 * updates need; writes nothing. Throws only on unexpected failures (the caller
 * retries). Applying it twice is safe (see the top of this file).
 */
export async function prepareDelivery(
  deps: AppDeps,
  deliveryId: string,
  options: { replay?: boolean } = {},
  cache = new ProcessingCache(),
  budget = new TurnBudget(SLICE_MS),
): Promise<PreparedDelivery | null> {
  const delivery = await store.findDeliveryForProcessing(deps.db, deliveryId);
  if (!delivery) return null;
  const webhook = await cache.webhook(deps, delivery.webhookId);
  if (!webhook) return null;
  const decided = (result: ProcessResult): PreparedDelivery => ({ delivery, decided: result });

  // Redeliveries are common (Meta retries, several subscribed apps): recognised before any parsing.
  const original = options.replay
    ? undefined
    : await store.earlierIdenticalDelivery(deps.db, delivery.webhookId, delivery.bodySha256, delivery.id);
  let json: unknown;
  try {
    json = original?.changes != null ? null : JSON.parse(delivery.body.toString('utf8'));
  } catch {
    json = undefined;
  }
  if (original) {
    return decided({
      outcome: 'DUPLICATE',
      changes: original.changes ?? countChanges(json),
      detail: DUPLICATE_DETAIL,
    });
  }
  if (json === undefined) {
    return decided({
      outcome: 'QUARANTINED',
      changes: 0,
      detail: 'The body is not valid JSON (the signature was valid); nothing was applied.',
    });
  }
  await budget.pause();
  const parsed = await parseWebhookPayloadInSlices(json, budget);
  if (!parsed.ok)
    return decided({
      outcome: 'QUARANTINED',
      changes: countChanges(json),
      detail: `Nothing was applied: ${parsed.reason}`.slice(0, MAX_DETAIL),
    });
  const changes = parsed.entries.reduce((n, e) => n + e.changes.length, 0);

  const credential = await cache.credential(deps, webhook.sandboxId, webhook.credentialId);
  if (!credential) throw new Error('the webhook credential is missing');
  const report = new Report();
  const router = new CredentialRouter(deps, credential);
  const qualityPatches = new Map<PhoneNumberQualityChange, { patch: PhoneNumberPatch; owner: CredentialRecord }>();
  for (const entry of parsed.entries) {
    for (const change of entry.changes) {
      if (change.kind !== 'phone_number_quality_update') continue;
      // Another number of the same app: the sandbox credential of that WABA and display number (routing.ts).
      const owner = isOwnNumber(entry.id, change, credential)
        ? credential
        : (await listCredentialsByWabaId(deps, webhook.sandboxId, entry.id)).find((c) => isOwnNumber(entry.id, change, c));
      if (owner) qualityPatches.set(change, { patch: await readQualityPatch(deps, owner, change, report), owner });
    }
  }

  const apply = async function* (deferPublish: DeferPublish): Steps<ProcessResult> {
    let index = 0;
    for (const entry of parsed.entries) {
      for (const change of entry.changes) {
        index += 1;
        const label = `change ${index} (${change.field})`;
        switch (change.kind) {
          case 'messages':
          case 'user_id_update':
          case 'user_preferences': {
            const owner = await router.ownerOf(change.metadata.phoneNumberId);
            if (!owner) {
              report.quarantined.push(
                `${label} is about phone number ${change.metadata.phoneNumberId}, which no credential of this sandbox owns`,
              );
              break;
            }
            const ctx: WebhookContext = {
              sandboxId: webhook.sandboxId,
              credentialId: owner.id,
              phoneNumberId: owner.phoneNumberId,
              deliveryId: delivery.id,
              deferPublish,
            };
            if (change.kind === 'messages') yield* applyMessages(deps, ctx, change, webhook.keywordRules, report);
            else if (change.kind === 'user_id_update') await applyUserIdUpdates(deps, ctx, change, report);
            else yield* applyPreferences(deps, ctx, change, report);
            break;
          }
          case 'phone_number_quality_update': {
            const quality = qualityPatches.get(change);
            if (!quality) {
              report.quarantined.push(
                `${label} is about ${change.displayPhoneNumber} of WABA ${entry.id}, which no credential of this sandbox owns`,
              );
              break;
            }
            const { patch, owner } = quality;
            const targets = await listCredentialsByPhoneNumberId(deps, owner.sandboxId, owner.phoneNumberId);
            for (const target of targets.length ? targets : [owner])
              await applyPhoneNumberUpdate(deps, target, patch, 'webhook', deferPublish);
            report.count(`phone number update(s) (${change.event})`);
            break;
          }
          case 'account_update': {
            const r = await applyAccountChange(
              deps,
              { sandboxId: webhook.sandboxId, entryId: entry.id, deliveryId: delivery.id },
              change,
              deferPublish,
            );
            if ('applied' in r) report.count(r.applied);
            else if ('ignored' in r) report.ignored.push(`${label} ${r.ignored}`);
            else report.quarantined.push(`${label}: ${r.quarantined}`);
            break;
          }
          case 'message_template_status_update':
          case 'template_category_update':
            // Templates belong to the WABA (entry id): the sandbox's cached list of it is refreshed.
            report.count(applyTemplateWebhook(deps, webhook.sandboxId, entry.id, change));
            break;
          case 'invalid':
            report.quarantined.push(`${label} is not in a shape we know: ${change.issues.slice(0, 3).join('; ')}`);
            break;
          default:
            report.ignored.push(`${label}${'event' in change ? ` ${change.event}` : ''}`);
        }
        yield;
      }
    }
    if (report.quarantined.length)
      deps.logger.warn(
        { webhookId: webhook.id, deliveryId: delivery.id, sandboxId: webhook.sandboxId, quarantined: report.quarantined.slice(0, 10) },
        'webhook delivery quarantined (changes about numbers or accounts no credential of the sandbox owns)',
      );
    return { outcome: report.quarantined.length ? 'QUARANTINED' : 'PROCESSED', changes, detail: report.text(changes) };
  };
  return { delivery, apply };
}

/** Processes one delivery now and records its outcome (retry jobs, replays); throws when applying it failed. */
export async function processDelivery(
  deps: AppDeps,
  deliveryId: string,
  options: { replay?: boolean } = {},
): Promise<ProcessResult | null> {
  const budget = new TurnBudget(SLICE_MS);
  const prepared = await prepareDelivery(deps, deliveryId, options, undefined, budget);
  if (!prepared) return null;
  const queue = [prepared];
  for (;;) {
    await budget.pause();
    const batch = await applyPrepared(deps.db, queue, budget.deadline);
    batch.publish();
    const failure = batch.failed[0];
    if (failure) throw failure.error;
    if (!queue.length) return batch.processed[0]?.result ?? null;
  }
}

/** Marks a delivery FAILED once its retries are used up. */
export async function markDeliveryFailed(deps: AppDeps, deliveryId: string, error: Error): Promise<void> {
  await store.updateDelivery(deps.db, deliveryId, {
    outcome: 'FAILED',
    detail: `Processing failed after retries: ${errorReason(error)}`.slice(0, MAX_DETAIL),
    processedAt: new Date(),
  });
}

/** replayWhatsAppWebhookDelivery: processes a stored delivery again, now; idempotent. */
export async function replayDelivery(deps: AppDeps, viewer: Viewer, id: string): Promise<DeliveryRecord> {
  requireWhatsAppEntitlement(viewer);
  const [existing] = await store.findDeliverySummaries(deps.db, viewer.sandboxId, [id]);
  if (!existing) throw new NotFoundError('WhatsApp webhook delivery');
  await processDelivery(deps, id, { replay: true });
  return (await store.findDeliverySummaries(deps.db, viewer.sandboxId, [id]))[0] ?? existing;
}
