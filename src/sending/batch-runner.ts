import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { getChannelConfiguration, type ChannelConfigurationRecord } from '../channel-configurations/service.js';
import { getCredential, type CredentialRecord } from '../credentials/service.js';
import { accountSendRefusal } from '../credentials/account/service.js';
import type { AppDeps } from '../core/deps.js';
import { inTransaction, type Tx } from '../platform/db.js';
import { FieldErrors } from '../platform/errors.js';
import type { JobContext } from '../platform/jobs/queue.js';
import { getProfiles, type ProfileRecord } from '../profiles/service.js';
import { normalizePhoneNumber as normalizeStoredNumber } from '../messages/phone-numbers.js';
import { beginSendAttemptIn, getMessage, publishTrackingEvents, recordOutboundMessage } from '../messages/service.js';
import { BATCH_JOB, batchJobKey, isTerminal, publishBatch, transitionBatch, type BatchJobPayload, type BatchRecord } from './batches.js';
import { checkRecipient, compileContent, policyContext, renderContent, type CompiledContent, type PolicyContext } from './compose.js';
import type { AfterCommit, TxMemo } from './group-commit.js';
import type { BatchState } from './batch-state.js';
import type { SendRuntime, SendSpec } from './sender.js';
import { limiterPausedReason } from './shared-pacing.js';
import { insertLinkRows } from './single.js';
import { store } from './store.js';
import type { RecipientRow } from './store.js';

/**
 * Runs batches. A slice job works through a batch's pending recipients for
 * a few seconds (see sliceMs), then queues its successor.
 * Each recipient: policy and personalization decided right before its turn
 * (BLOCKED ones are recorded without using a send slot), then the shared send
 * path, whose begin transaction re-reads the batch: a send never starts after a
 * pause or cancel committed. Restart-safe by construction: a recipient is done
 * only in the transaction that records its outcome, and a message whose
 * attempt began but whose outcome was not recorded is never sent again.
 */

/**
 * How long one slice job sends before it hands over to its successor. Every
 * handover waits for the slice's sends in flight, which leaves the pacing
 * bucket idle for a moment, so slices are long; but a slice must end well
 * inside its job lease (no lease renewal), or a second runner would take over.
 */
const sliceMs = (deps: AppDeps): number => Math.min(5_000, Math.max(250, Math.floor(deps.config.jobs.leaseMs / 4)));
/** A paused batch looks again this often (quality back to YELLOW/GREEN, configuration ACTIVE again). */
export const PAUSE_POLL_MS = 1_000;

export const QUALITY_RED_REASON =
  "Paused: the sender's quality rating is RED. Marketing messages resume by themselves when it is YELLOW or GREEN again (see the credential's quality history).";

type Conditions =
  | { kind: 'go'; config: ChannelConfigurationRecord; credential: CredentialRecord; policy: PolicyContext; fromNumber: string | null }
  | { kind: 'pause'; reason: string }
  | { kind: 'cancel'; reason: string };

/** Whether the batch may send now, and if not why (pause) or never again (cancel). */
async function conditions(deps: AppDeps, batch: BatchRecord): Promise<Conditions> {
  const config = await getChannelConfiguration(deps, batch.sandboxId, batch.channelConfigurationId);
  if (!config)
    return { kind: 'cancel', reason: 'Cancelled: the channel configuration was deleted; recipients not sent by then were not sent.' };
  if (config.status !== 'ACTIVE' || !config.credentialId) {
    return {
      kind: 'pause',
      reason: `Paused: the channel configuration is ${config.status}; sending resumes by itself when it is ACTIVE again.`,
    };
  }
  const credential = await getCredential(deps, batch.sandboxId, config.credentialId);
  if (!credential) return { kind: 'pause', reason: 'Paused: the WhatsApp API credential of the channel configuration no longer exists.' };
  if (credential.status !== 'ACTIVE') {
    return {
      kind: 'pause',
      reason: `Paused: the WhatsApp API credential is ${credential.status}${credential.statusMessage ? ` (${credential.statusMessage})` : ''}.`,
    };
  }
  const refusal = await accountSendRefusal(deps, credential.id, { template: batch.content.template != null });
  if (refusal) return { kind: 'pause', reason: `Paused: ${refusal.message.replace(/^Not sent: /, '')}` };
  // The shared send-rate limiter does not answer (PostgreSQL mode): pause, and look again at the next poll.
  const limiter = await deps.state.sends.limiterProblem();
  if (limiter) return { kind: 'pause', reason: limiterPausedReason(limiter) };
  const policy = await policyContext(deps, config);
  // Marketing when created, or since (the configuration's marketing actions are read now).
  if ((batch.marketing || policy.marketing) && credential.qualityRating === 'RED') return { kind: 'pause', reason: QUALITY_RED_REASON };
  const display = credential.displayPhoneNumber;
  const fromNumber = display ? (normalizeStoredNumber(display) ?? display) : null;
  return { kind: 'go', config, credential, policy, fromNumber };
}

async function scheduleSlice(deps: AppDeps, payload: BatchJobPayload, delayMs: number): Promise<void> {
  const next: 0 | 1 = payload.slot === 0 ? 1 : 0;
  await inTransaction(deps.db, async (tx) => {
    await deps.jobs.enqueue<BatchJobPayload>(
      tx,
      BATCH_JOB,
      { ...payload, slot: next },
      { sandboxId: payload.sandboxId, dedupeKey: batchJobKey(payload.batchId, next), delayMs },
    );
  });
  deps.jobs.notify();
}

/** Moves the batch and announces it after commit. */
async function move(deps: AppDeps, batch: BatchRecord, status: BatchRecord['status'], reason: string | null): Promise<BatchRecord> {
  const moved = await inTransaction(deps.db, (tx) => transitionBatch(tx, batch.sandboxId, batch.id, status, reason));
  if (moved) {
    publishBatch(deps, batch.sandboxId, batch.id);
    deps.logger.info({ sandboxId: batch.sandboxId, batchId: batch.id, status, reason }, 'message batch status changed');
  }
  return moved ?? (await store.findBatch(deps.db, batch.sandboxId, batch.id)) ?? batch;
}

function compiledOf(deps: AppDeps, batch: BatchRecord): CompiledContent {
  const errors = new FieldErrors();
  const compiled = compileContent(errors, { ...batch.content, trackLinks: batch.trackLinks }, deps.config.publicUrl);
  // Checked when the batch was created; a failure here is a bug.
  if (!compiled) throw new Error(`batch ${batch.id} content no longer compiles`);
  return compiled;
}

interface SliceEnv {
  deps: AppDeps;
  rt: SendRuntime;
  batch: BatchRecord;
  state: BatchState;
  compiled: CompiledContent;
  /** The job's: shutdown. */
  signal: AbortSignal;
  /** Shutdown, cancel or pause: stop waiting for pacing slots. */
  waitSignal: AbortSignal;
}

/** One slice of a batch: returns when the slice time is up, the batch paused, or it is finished. */
export async function runBatchSlice(deps: AppDeps, payload: BatchJobPayload, ctx: JobContext): Promise<void> {
  const first = await store.findBatch(deps.db, payload.sandboxId, payload.batchId);
  if (!first || isTerminal(first.status)) return;
  const rt = deps.state.sends;
  const runners = deps.state.batchRunners;
  const state = runners.enter(first.sandboxId, first.id);
  const waitSignal = AbortSignal.any([ctx.signal, state.halt.signal]);
  // Every send waiting for a pacing slot listens on it (up to a few hundred at 1,000 messages/s).
  setMaxListeners(0, waitSignal, ctx.signal);
  const started = Date.now();
  const slice = sliceMs(deps);
  let next: { delayMs: number } | null = null;
  // A pause condition may change mid-slice (quality RED, configuration no longer ACTIVE): look again before the next send.
  const watching = new AbortController();
  for (const topic of ['credential:quality-changed', 'channel-configuration:status-changed'] as const) {
    void (async () => {
      for await (const _event of deps.pubsub.subscribe(first.sandboxId, topic, watching.signal)) state.recheck = true;
    })();
  }
  try {
    const env: SliceEnv = { deps, rt, batch: first, state, compiled: compiledOf(deps, first), signal: ctx.signal, waitSignal };
    next = await drive(env, started, slice);
    await state.settleAll();
  } finally {
    watching.abort();
    state.flushProgress();
    runners.leave(state);
  }
  if (next && !ctx.signal.aborted) await scheduleSlice(deps, payload, next.delayMs);
}

async function drive(env: SliceEnv, started: number, slice: number): Promise<{ delayMs: number } | null> {
  const { deps, rt, state } = env;
  const signal = env.waitSignal;
  let batch = env.batch;
  for (;;) {
    const current = await store.findBatch(deps.db, batch.sandboxId, batch.id);
    if (!current || isTerminal(current.status)) return null;
    batch = current;
    state.recheck = false;
    const cond = await conditions(deps, batch);
    if (cond.kind === 'cancel') {
      await state.settleAll();
      await move(deps, batch, 'CANCELLED', cond.reason);
      return null;
    }
    if (cond.kind === 'pause') {
      // Waits for a slot end; sends already on their way to Meta finish, so the counters are final when PAUSED shows.
      state.halt.abort();
      await state.settleAll();
      await move(deps, batch, 'PAUSED', cond.reason);
      return { delayMs: PAUSE_POLL_MS };
    }
    if (batch.status !== 'RUNNING') batch = await move(deps, batch, 'RUNNING', null);
    if (Date.now() - started >= slice || signal.aborted) return { delayMs: 0 };

    const cap = Math.min(256, Math.max(8, Math.ceil((await rt.pacerFor(cond.credential)).bucket.rate / 4)));
    const ready = (await store.readyRecipients(deps.db, batch.id, new Date(), cap * 2 + state.inflight.size))
      .filter((r) => !state.inflight.has(r.position))
      .slice(0, cap * 2);
    if (!ready.length) {
      if (state.tasks.size) {
        await Promise.race([state.nextDone(), sleep(Math.max(1, slice - (Date.now() - started)))]);
        continue;
      }
      const pending = await store.pendingState(deps.db, batch.id);
      if (pending.pending === 0) {
        await complete(deps, batch);
        return null;
      }
      const wait = Math.max(0, (pending.nextNotBefore?.getTime() ?? Date.now()) - Date.now());
      const left = slice - (Date.now() - started);
      if (wait >= left) return { delayMs: wait };
      await sleep(Math.max(1, wait), undefined, { signal }).catch(() => undefined);
      continue;
    }
    const profiles = await getProfiles(
      deps,
      batch.sandboxId,
      ready.filter((r) => !r.messageId).map((r) => r.profileId),
    );
    for (const recipient of ready) {
      if (state.recheck || signal.aborted || Date.now() - started >= slice) break;
      while (state.tasks.size >= cap) await state.nextDone();
      if (state.recheck || signal.aborted) break;
      if (state.inflight.has(recipient.position)) continue; // taken meanwhile by another slice of this batch
      state.track(
        recipient.position,
        sendRecipient(env, batch, cond, recipient, profiles.get(recipient.profileId)).catch((err: unknown) =>
          recipientFailed(env, batch, recipient, err),
        ),
      );
    }
  }
}

/** Attempts at a recipient that keep throwing (a bug or the database, not Meta) before it is given up. */
const MAX_RECIPIENT_ERRORS = 5;

/** An unexpected error for one recipient: try it again later, and give up after a few. */
async function recipientFailed(env: SliceEnv, batch: BatchRecord, recipient: RecipientRow, err: unknown): Promise<void> {
  const giveUp = recipient.refusals + 1 >= MAX_RECIPIENT_ERRORS;
  env.deps.logger.error(
    { err, sandboxId: batch.sandboxId, batchId: batch.id, position: recipient.position, giveUp },
    'batch recipient failed',
  );
  try {
    await env.rt.commits.run((tx) =>
      store.updateRecipient(
        tx,
        batch.id,
        recipient.position,
        giveUp ? { done: true } : { notBefore: new Date(Date.now() + 5_000), refusals: recipient.refusals + 1 },
      ),
    );
  } catch (inner) {
    env.deps.logger.error({ err: inner, batchId: batch.id }, 'could not record a batch recipient failure');
  }
}

async function complete(deps: AppDeps, batch: BatchRecord): Promise<void> {
  const moved = await inTransaction(deps.db, async (tx) => {
    if ((await store.pendingState(tx, batch.id)).pending > 0) return null;
    // Not silent when recipients are unsettled: the view derives statusReason from the unknown count (unsettledReason).
    return transitionBatch(tx, batch.sandboxId, batch.id, 'COMPLETED', null);
  });
  if (moved) {
    publishBatch(deps, batch.sandboxId, batch.id);
    deps.logger.info({ sandboxId: batch.sandboxId, batchId: batch.id, total: batch.total }, 'message batch completed');
  }
}

/**
 * The batch is still RUNNING, read in the caller's transaction (once per group
 * transaction): the guard against starting a send after a pause or cancel committed.
 */
async function stillRunning(tx: Tx, memo: TxMemo, batch: BatchRecord): Promise<boolean> {
  const key = `batch-status:${batch.id}`;
  if (!memo.has(key)) memo.set(key, (await store.readBatch(tx, batch.sandboxId, batch.id))?.status);
  return memo.get(key) === 'RUNNING';
}

async function sendRecipient(
  env: SliceEnv,
  batch: BatchRecord,
  cond: Extract<Conditions, { kind: 'go' }>,
  recipient: RecipientRow,
  profile: ProfileRecord | undefined,
): Promise<void> {
  const { deps, rt, state, compiled, signal, waitSignal } = env;
  const { sandboxId } = batch;
  const publicUrl = deps.config.publicUrl;
  const markDone = async (tx: Tx, after: AfterCommit): Promise<void> => {
    await store.markRecipientDone(tx, batch.id, recipient.position);
    after(() => state.progress());
  };
  const common = {
    sandboxId,
    credential: cond.credential,
    signal,
    waitSignal,
    // The recipient's place in the person's line: the same on every try, message or not yet.
    ticket: `batch:${batch.id}:${recipient.position}`,
    refusals: recipient.refusals,
    settled: (tx: Tx, _m: unknown, after: AfterCommit) => markDone(tx, after),
    refused: (tx: Tx, delayMs: number) =>
      store.updateRecipient(tx, batch.id, recipient.position, {
        notBefore: new Date(Date.now() + delayMs),
        refusals: recipient.refusals + 1,
      }),
  } satisfies Partial<SendSpec>;

  let spec: SendSpec;
  if (recipient.messageId) {
    // Its message exists: Meta refused it for now earlier, and this is the next try.
    const message = await getMessage(deps, sandboxId, recipient.messageId);
    const messageId = recipient.messageId;
    spec = {
      ...common,
      recipientKey: message?.toNumber ?? messageId,
      begin: async (tx, _after, memo) =>
        (await stillRunning(tx, memo, batch)) ? await beginSendAttemptIn(tx, sandboxId, messageId) : null,
    };
  } else {
    const blocked = (phoneE164: string | null, reason: string, text: string | null, template: Record<string, unknown> | null) =>
      rt.commits.run(async (tx, after, memo) => {
        if (!(await stillRunning(tx, memo, batch))) return;
        const recorded = await recordOutboundMessage(
          deps,
          {
            sandboxId,
            credentialId: cond.credential.id,
            channelConfigurationId: batch.channelConfigurationId,
            batchId: batch.id,
            toPhoneNumber: phoneE164,
            text,
            template,
            blockedReason: reason,
            fromNumber: cond.fromNumber,
          },
          tx,
        );
        await store.markRecipientDone(tx, batch.id, recipient.position, recorded.message.id);
        after(() => {
          publishTrackingEvents(deps, sandboxId, recorded.trackingEventIds);
          state.progress();
        });
      });
    const raw = compiled.content;
    const rawTemplate = raw.template as unknown as Record<string, unknown> | null;
    if (!profile) {
      await blocked(null, `No profile with id ${JSON.stringify(recipient.profileId)} exists in this sandbox.`, raw.text, rawTemplate);
      return;
    }
    const check = await checkRecipient(deps, cond.policy, { attributes: profile.attributes });
    const rendered = renderContent(compiled, profile.attributes, publicUrl);
    if (!check.ok) {
      const plain = renderContent({ ...compiled, trackLinks: false }, profile.attributes, publicUrl);
      const content = plain.ok ? plain : { text: raw.text, template: raw.template };
      await blocked(check.phoneE164, check.reason, content.text, content.template as unknown as Record<string, unknown> | null);
      return;
    }
    if (!rendered.ok) {
      // Per recipient, a personalization problem blocks that message only (not the batch).
      await blocked(check.phoneE164, rendered.reason, raw.text, rawTemplate);
      return;
    }
    spec = {
      ...common,
      recipientKey: check.phoneE164,
      begin: async (tx, _after, memo) => {
        // Two runs of one batch (a lease taken over) may both reach this recipient: the first one takes it.
        if (!(await stillRunning(tx, memo, batch)) || !(await store.recipientUntaken(tx, batch.id, recipient.position))) return null;
        const recorded = await recordOutboundMessage(
          deps,
          {
            sandboxId,
            credentialId: cond.credential.id,
            channelConfigurationId: batch.channelConfigurationId,
            batchId: batch.id,
            toPhoneNumber: check.phoneE164,
            text: rendered.text,
            template: rendered.template as unknown as Record<string, unknown> | null,
            fromNumber: cond.fromNumber,
          },
          tx,
        );
        const now = new Date();
        await insertLinkRows(tx, sandboxId, recorded.message.id, rendered.links, now);
        await store.setRecipientMessage(tx, batch.id, recipient.position, recorded.message.id);
        return beginSendAttemptIn(tx, sandboxId, recorded.message.id, now);
      },
    };
  }
  const result = await rt.send(spec);
  // The limiter stopped answering: the recipient stays pending, and the loop looks at the conditions again (pause).
  if (result.kind === 'unavailable') state.recheck = true;
  if (result.kind === 'deferred') {
    await rt.commits.run((tx) =>
      store.updateRecipient(tx, batch.id, recipient.position, { notBefore: new Date(Date.now() + result.delayMs) }),
    );
  }
}
