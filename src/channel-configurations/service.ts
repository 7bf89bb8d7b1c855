import { getCredential, requireWhatsAppEntitlement } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import { ConcurrentChangeError, inTransaction, type DbOrTx } from '../platform/db.js';
import { ConflictError, FieldErrors, InvalidStateError, NotFoundError, ValidationError, type FieldError } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import { toPage, type Page, type PageWindow } from '../platform/pagination.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { attributePathProblem } from '../settings/attribute-path.js';
import { findMarketingActions, getGeneralSettings } from '../settings/service.js';
import { getWebhook } from '../webhooks/service.js';
import { DESCRIPTION_MAX, MARKETING_ACTIONS_MAX, nameProblem, normalizeSenderNumber } from './rules.js';
import { beginChecks, createdEvent, insertRun, PROCESSING_REASON, publishStatus, transition } from './status.js';
import { store } from './store.js';
import type { CheckRow, CheckView, ConfigurationPatch, ConfigurationRow, ListFilter } from './store.js';
import type { Channel, ConfigurationStatus } from './tables.js';

/**
 * Channel configurations: input rules, the lifecycle (draft, submit, edit,
 * deactivate, reactivate, delete) and the reads other slices use
 * (getChannelConfiguration, effectiveExecutionField). The readiness checks
 * themselves run in a job (checks.ts, jobs.ts).
 */

export type ChannelConfigurationRecord = ConfigurationRow;
export type ConfigurationCheckRecord = CheckRow;
/** A check as the API shows it (a full record is one too). */
export type ConfigurationCheckView = CheckView;
export type { Channel, ConfigurationStatus };

const NOT_FOUND = 'Channel configuration';

// ---- for other slices ------------------------------------------------------

export async function getChannelConfiguration(
  deps: AppDeps,
  sandboxId: string,
  id: string,
): Promise<ChannelConfigurationRecord | undefined> {
  return await store.findConfiguration(deps.db, sandboxId, id);
}

/** At once on SQLite when it can (store.now: a page's references then load without a promise), else a promise. */
export function findChannelConfigurations(
  deps: AppDeps,
  sandboxId: string,
  ids: string[],
): ChannelConfigurationRecord[] | Promise<ChannelConfigurationRecord[]> {
  return store.now(deps.db)?.findConfigurations(deps.db, sandboxId, ids) ?? store.findConfigurations(deps.db, sandboxId, ids);
}

/** The profile attribute path that holds the recipient's number: the configuration's own, else the sandbox default. */
export async function effectiveExecutionField(deps: AppDeps, record: ChannelConfigurationRecord): Promise<string> {
  return record.executionField ?? (await getGeneralSettings(deps, record.sandboxId)).whatsAppExecutionField;
}

// ---- reads -------------------------------------------------------------------

/** A page of the sandbox's configurations: at once on SQLite when it can (store.now), else a promise. */
export function listChannelConfigurations(
  deps: AppDeps,
  viewer: Viewer,
  window: PageWindow,
  filter: ListFilter,
): Page<ChannelConfigurationRecord> | Promise<Page<ChannelConfigurationRecord>> {
  const search = filter.search?.trim() || null;
  const sync = store.now(deps.db);
  if (sync) {
    const rows = sync.listConfigurations(deps.db, viewer.sandboxId, window, { ...filter, search });
    return toPage(rows, window, sync.countConfigurations(deps.db, viewer.sandboxId, { ...filter, search }));
  }
  return (async () => {
    const rows = await store.listConfigurations(deps.db, viewer.sandboxId, window, { ...filter, search });
    return toPage(rows, window, await store.countConfigurations(deps.db, viewer.sandboxId, { ...filter, search }));
  })();
}

export async function listAllChannelConfigurations(deps: AppDeps, sandboxId: string): Promise<ChannelConfigurationRecord[]> {
  return await store.listAllConfigurations(deps.db, sandboxId);
}

/** The checks of the current run of each record: at once on SQLite when it can (store.now), else a promise. */
export function checksOfMany(
  deps: AppDeps,
  records: ChannelConfigurationRecord[],
): ConfigurationCheckView[] | Promise<ConfigurationCheckView[]> {
  const runs = records.filter((r) => r.checkRun > 0).map((r) => ({ configurationId: r.id, run: r.checkRun }));
  return store.now(deps.db)?.listChecksForMany(deps.db, runs) ?? store.listChecksForMany(deps.db, runs);
}

// ---- validation ----------------------------------------------------------------

export interface WhatsAppSettingsInput {
  /** Raw credential id; null or "" = none (drafts only). */
  apiCredentialId?: string | null;
  webhookId?: string | null;
  senderPhoneNumber?: string | null;
  /** null or "" = the sandbox default. */
  executionField?: string | null;
}

interface SettingsPatch {
  credentialId?: string | null;
  webhookId?: string | null;
  senderPhoneNumber?: string | null;
  executionField?: string | null;
  marketingActionIds?: string[];
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

function checkName(errors: FieldErrors, name: string): string {
  const problem = nameProblem(name);
  if (problem) errors.add('name', problem);
  return name;
}

function checkDescription(errors: FieldErrors, raw: string | null | undefined): string | null {
  const description = raw?.trim() || null;
  if (description && description.length > DESCRIPTION_MAX) errors.add('description', `must be at most ${DESCRIPTION_MAX} characters`);
  return description;
}

function checkChannel(errors: FieldErrors, channel: string): Channel {
  if (channel !== 'WHATSAPP') errors.add('channel', 'must be WHATSAPP');
  return 'WHATSAPP';
}

/** Validates the settings given (keys left undefined stay as they are) and resolves references in the sandbox. */
async function resolveSettings(
  deps: AppDeps,
  sandboxId: string,
  errors: FieldErrors,
  whatsApp: WhatsAppSettingsInput | null | undefined,
  marketingActionIds: string[] | null | undefined,
): Promise<SettingsPatch> {
  const out: SettingsPatch = {};
  if (whatsApp) {
    const { apiCredentialId, webhookId, senderPhoneNumber, executionField } = whatsApp;
    if (apiCredentialId !== undefined) {
      if (blank(apiCredentialId)) out.credentialId = null;
      else if (await getCredential(deps, sandboxId, apiCredentialId!)) out.credentialId = apiCredentialId!;
      else errors.add(['whatsApp', 'apiCredentialId'], 'no WhatsApp API credential with this id exists in your sandbox');
    }
    if (webhookId !== undefined) {
      if (blank(webhookId)) out.webhookId = null;
      else if (await getWebhook(deps, sandboxId, webhookId!)) out.webhookId = webhookId!;
      else errors.add(['whatsApp', 'webhookId'], 'no WhatsApp webhook with this id exists in your sandbox');
    }
    if (senderPhoneNumber !== undefined) {
      if (blank(senderPhoneNumber)) out.senderPhoneNumber = null;
      else {
        const parsed = normalizeSenderNumber(senderPhoneNumber!);
        if ('e164' in parsed) out.senderPhoneNumber = parsed.e164;
        else errors.add(['whatsApp', 'senderPhoneNumber'], parsed.problem);
      }
    }
    if (executionField !== undefined) {
      if (blank(executionField)) out.executionField = null;
      else {
        const problem = attributePathProblem(executionField!);
        if (problem) errors.add(['whatsApp', 'executionField'], problem);
        else out.executionField = executionField!;
      }
    }
  }
  if (marketingActionIds !== undefined) {
    const ids = [...new Set(marketingActionIds ?? [])];
    if (ids.length > MARKETING_ACTIONS_MAX)
      errors.add('marketingActionIds', `must list at most ${MARKETING_ACTIONS_MAX} marketing actions`);
    else {
      const found = new Set((await findMarketingActions(deps, sandboxId, ids)).map((a) => a.id));
      (marketingActionIds ?? []).forEach((id, i) => {
        if (!found.has(id)) errors.add(['marketingActionIds', String(i)], 'no marketing action with this id exists in your sandbox');
      });
      out.marketingActionIds = ids;
    }
  }
  return out;
}

/** What a configuration needs before it can be checked; a draft may lack these. */
function missingForSubmit(row: Pick<ChannelConfigurationRecord, 'credentialId' | 'senderPhoneNumber'>): FieldError[] {
  const missing: FieldError[] = [];
  const why = 'is required to submit the configuration (save it as a draft to leave it empty for now)';
  if (!row.credentialId) missing.push({ path: ['whatsApp', 'apiCredentialId'], message: why });
  if (!row.senderPhoneNumber) missing.push({ path: ['whatsApp', 'senderPhoneNumber'], message: why });
  return missing;
}

async function assertNameFree(db: DbOrTx, sandboxId: string, name: string, exceptId?: string): Promise<void> {
  const clash = await store.findConfigurationByNameKey(db, sandboxId, name.toLowerCase());
  if (clash && clash.id !== exceptId) {
    throw new ConflictError(
      `A channel configuration named "${clash.name}" already exists in this sandbox (names are compared ignoring case); choose another name.`,
    );
  }
}

async function requireConfiguration(db: DbOrTx, viewer: Viewer, id: string): Promise<ChannelConfigurationRecord> {
  const found = await store.findConfiguration(db, viewer.sandboxId, id);
  if (!found) throw new NotFoundError(NOT_FOUND);
  return found;
}

// ---- mutations ---------------------------------------------------------------

export interface CreateConfigurationInput {
  name: string;
  description?: string | null;
  channel: Channel;
  marketingActionIds?: string[] | null;
  whatsApp: WhatsAppSettingsInput;
  saveAsDraft?: boolean | null;
}

/** Saves a DRAFT (incomplete settings allowed), or submits: PROCESSING with the checks enqueued in the same transaction. */
export async function createChannelConfiguration(
  deps: AppDeps,
  viewer: Viewer,
  input: CreateConfigurationInput,
): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  const errors = new FieldErrors();
  const name = checkName(errors, input.name);
  const description = checkDescription(errors, input.description);
  const channel = checkChannel(errors, input.channel);
  const settings = await resolveSettings(deps, viewer.sandboxId, errors, input.whatsApp, input.marketingActionIds ?? null);
  const draft = input.saveAsDraft === true;
  const now = new Date();
  const row: ChannelConfigurationRecord = {
    id: newId(now.getTime()),
    sandboxId: viewer.sandboxId,
    name,
    nameKey: name.toLowerCase(),
    description,
    channel,
    credentialId: settings.credentialId ?? null,
    webhookId: settings.webhookId ?? null,
    senderPhoneNumber: settings.senderPhoneNumber ?? null,
    executionField: settings.executionField ?? null,
    marketingActionIds: settings.marketingActionIds ?? [],
    status: draft ? 'DRAFT' : 'PROCESSING',
    statusVersion: 1,
    previousStatus: null,
    statusChangedAt: now,
    statusReason: draft ? null : PROCESSING_REASON,
    checkRun: draft ? 0 : 1,
    createdAt: now,
    updatedAt: now,
  };
  // Only fields that passed their own rule count as present: a bad number is reported once, not also as missing.
  if (!draft) {
    for (const missing of missingForSubmit(row)) {
      const given = missing.path[1] === 'apiCredentialId' ? input.whatsApp.apiCredentialId : input.whatsApp.senderPhoneNumber;
      if (blank(given)) errors.add(missing.path, missing.message);
    }
  }
  errors.throwIfAny();
  await inTransaction(deps.db, async (tx) => {
    await assertNameFree(tx, viewer.sandboxId, name);
    await store.insertConfiguration(tx, row);
    if (!draft) await insertRun(deps, tx, row.id, row.sandboxId, row.checkRun);
    publishStatus(deps, createdEvent(row));
  });
  return row;
}

export interface UpdateConfigurationInput {
  id: string;
  /** undefined or null: unchanged. */
  name?: string | null;
  /** undefined: unchanged; null or "": cleared. */
  description?: string | null;
  channel?: Channel | null;
  /** undefined: unchanged; null: none. */
  marketingActionIds?: string[] | null;
  /** Each key: undefined = unchanged, null or "" = cleared. */
  whatsApp?: WhatsAppSettingsInput | null;
}

const CHECKED_FIELDS = ['credentialId', 'webhookId', 'senderPhoneNumber', 'executionField', 'marketingActionIds'] as const;

/**
 * Edits a configuration. A DRAFT stays a DRAFT; a DEACTIVATED one stays
 * DEACTIVATED (reactivation checks it). An ACTIVE, FAILED or PROCESSING one whose
 * checked settings changed is checked again (PROCESSING); a new name or
 * description alone does not interrupt sending.
 */
export async function updateChannelConfiguration(
  deps: AppDeps,
  viewer: Viewer,
  input: UpdateConfigurationInput,
): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  await requireConfiguration(deps.db, viewer, input.id);
  const errors = new FieldErrors();
  const name = input.name !== undefined && input.name !== null ? checkName(errors, input.name) : undefined;
  const description = input.description !== undefined ? checkDescription(errors, input.description) : undefined;
  if (input.channel !== undefined && input.channel !== null) checkChannel(errors, input.channel);
  const settings = await resolveSettings(deps, viewer.sandboxId, errors, input.whatsApp, input.marketingActionIds);
  errors.throwIfAny();

  const now = new Date();
  await inTransaction(deps.db, async (tx) => {
    const current = await requireConfiguration(tx, viewer, input.id);
    const patch: ConfigurationPatch = { ...settings, updatedAt: now };
    if (name !== undefined) {
      await assertNameFree(tx, viewer.sandboxId, name, current.id);
      patch.name = name;
      patch.nameKey = name.toLowerCase();
    }
    if (description !== undefined) patch.description = description;
    const merged = { ...current, ...patch };
    if (current.status !== 'DRAFT') {
      const missing = missingForSubmit(merged);
      if (missing.length)
        throw new ValidationError(missing.map((m) => ({ ...m, message: `is required while the configuration is ${current.status}` })));
    }
    const checkedChange = CHECKED_FIELDS.some((f) => JSON.stringify(merged[f]) !== JSON.stringify(current[f]));
    if (checkedChange && (current.status === 'ACTIVE' || current.status === 'FAILED' || current.status === 'PROCESSING')) {
      const started = await beginChecks(deps, tx, current, patch, now);
      if (!started.moved) throw new ConcurrentChangeError('the channel configuration');
      publishStatus(deps, started.event);
      return;
    }
    await store.updateConfiguration(tx, current.id, patch);
    publishStatus(deps);
  });
  return requireConfiguration(deps.db, viewer, input.id);
}

/** DRAFT or FAILED → PROCESSING; the WhatsApp settings must be complete. */
export async function submitChannelConfiguration(deps: AppDeps, viewer: Viewer, id: string): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  await inTransaction(deps.db, async (tx) => {
    const current = await requireConfiguration(tx, viewer, id);
    if (current.status !== 'DRAFT' && current.status !== 'FAILED') {
      throw new InvalidStateError(
        `Only a DRAFT or FAILED channel configuration can be submitted; "${current.name}" is ${current.status}.${
          current.status === 'DEACTIVATED' ? ' Reactivate it instead.' : ''
        }`,
      );
    }
    const missing = missingForSubmit(current);
    if (missing.length) throw new ValidationError(missing);
    const started = await beginChecks(deps, tx, current);
    if (!started.moved) throw new ConcurrentChangeError('the channel configuration');
    publishStatus(deps, started.event);
  });
  return requireConfiguration(deps.db, viewer, id);
}

export const DEACTIVATED_REASON = 'Deactivated by an administrator: nothing is sent through it until it is reactivated.';

/** ACTIVE (or FAILED / PROCESSING) → DEACTIVATED: nothing is sent through it. */
export async function deactivateChannelConfiguration(deps: AppDeps, viewer: Viewer, id: string): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  await inTransaction(deps.db, async (tx) => {
    const current = await requireConfiguration(tx, viewer, id);
    if (current.status === 'DRAFT' || current.status === 'DEACTIVATED') {
      throw new InvalidStateError(
        `Only an ACTIVE, PROCESSING or FAILED channel configuration can be deactivated; "${current.name}" is ${current.status}.`,
      );
    }
    const moved = await transition(tx, current, 'DEACTIVATED', DEACTIVATED_REASON);
    if (!moved) throw new ConcurrentChangeError('the channel configuration');
    publishStatus(deps, moved);
  });
  return requireConfiguration(deps.db, viewer, id);
}

/** DEACTIVATED → PROCESSING: checked again before it can send. */
export async function reactivateChannelConfiguration(deps: AppDeps, viewer: Viewer, id: string): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  await inTransaction(deps.db, async (tx) => {
    const current = await requireConfiguration(tx, viewer, id);
    if (current.status !== 'DEACTIVATED') {
      throw new InvalidStateError(`Only a DEACTIVATED channel configuration can be reactivated; "${current.name}" is ${current.status}.`);
    }
    const missing = missingForSubmit(current);
    if (missing.length) throw new ValidationError(missing);
    const started = await beginChecks(deps, tx, current);
    if (!started.moved) throw new ConcurrentChangeError('the channel configuration');
    publishStatus(deps, started.event);
  });
  return requireConfiguration(deps.db, viewer, id);
}

/** Deletes the configuration in any status; its checks go with it, and a pending check job finds nothing to do. */
export async function deleteChannelConfiguration(deps: AppDeps, viewer: Viewer, id: string): Promise<ChannelConfigurationRecord> {
  requireWhatsAppEntitlement(viewer);
  return await inTransaction(deps.db, async (tx) => {
    const current = await requireConfiguration(tx, viewer, id);
    if (!(await store.deleteConfiguration(tx, viewer.sandboxId, id))) throw new NotFoundError(NOT_FOUND);
    return current;
  });
}
