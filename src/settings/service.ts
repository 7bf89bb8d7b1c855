import type { AppDeps } from '../core/deps.js';
import { inTransaction } from '../platform/db.js';
import { ConflictError, FieldErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { attributePathProblem } from './attribute-path.js';
import { store } from './store.js';
import type { MarketingActionRecord } from './store.js';
import type { ConsentPolicy } from './tables.js';

export const DEFAULT_WHATSAPP_EXECUTION_FIELD = 'mobilePhone.number';

/** The catalog every sandbox starts with. */
const SEED_MARKETING_ACTIONS: Array<Pick<MarketingActionRecord, 'key' | 'name' | 'description' | 'consentPolicy'>> = [
  {
    key: 'whatsapp_marketing',
    name: 'WhatsApp marketing',
    description:
      'Promotional WhatsApp messages. Requires the profile\'s WhatsApp marketing consent (consents.marketing.whatsApp.val = "y").',
    consentPolicy: { attribute: 'consents.marketing.whatsApp.val', allowedValues: ['y'] },
  },
  {
    key: 'whatsapp_transactional',
    name: 'WhatsApp transactional',
    description: 'Order, account and service messages the person asked for. No marketing consent needed; opt-outs still apply.',
    consentPolicy: null,
  },
  {
    key: 'personalized_offers',
    name: 'Personalized offers',
    description: 'Offers built from profile data. Requires personalization consent (consents.personalize.content.val = "y").',
    consentPolicy: { attribute: 'consents.personalize.content.val', allowedValues: ['y'] },
  },
];

/** Seeds the catalog of a sandbox that has none yet; idempotent. */
async function seed(deps: AppDeps, sandboxId: string): Promise<void> {
  await inTransaction(deps.db, async (tx) => {
    const now = Date.now();
    for (const [i, action] of SEED_MARKETING_ACTIONS.entries()) {
      await store.insertMarketingAction(tx, { id: newId(now + i), sandboxId, createdAt: new Date(now), ...action }, true);
    }
  });
}

/** The catalog; seeded the first time a sandbox reads it. */
export async function listMarketingActions(deps: AppDeps, viewer: Viewer): Promise<MarketingActionRecord[]> {
  const actions = await store.listMarketingActions(deps.db, viewer.sandboxId);
  if (actions.length) return actions;
  await seed(deps, viewer.sandboxId);
  return await store.listMarketingActions(deps.db, viewer.sandboxId);
}

/** Actions by id. No seeding here: seeded actions get new ids, so seeding could never add one of `ids`. */
/** At once on SQLite when it can (store.now: a page's references then load without a promise), else a promise. */
export function findMarketingActions(
  deps: AppDeps,
  sandboxId: string,
  ids: string[],
): MarketingActionRecord[] | Promise<MarketingActionRecord[]> {
  return store.now(deps.db)?.findMarketingActionsByIds(deps.db, sandboxId, ids) ?? store.findMarketingActionsByIds(deps.db, sandboxId, ids);
}

export interface CreateMarketingActionInput {
  key: string;
  name: string;
  description?: string | null;
  consentPolicy?: ConsentPolicy | null;
}

const KEY_RULE = /^[a-z][a-z0-9_]{1,63}$/;

export async function createMarketingAction(
  deps: AppDeps,
  viewer: Viewer,
  input: CreateMarketingActionInput,
): Promise<MarketingActionRecord> {
  const errors = new FieldErrors();
  if (!KEY_RULE.test(input.key)) errors.add('key', 'must be 2-64 lower-case letters, digits or "_", starting with a letter');
  const name = input.name.trim();
  if (!name || name.length > 128) errors.add('name', 'must be 1-128 characters');
  if (input.description && input.description.length > 1000) errors.add('description', 'must be at most 1000 characters');
  if (input.consentPolicy) {
    const problem = attributePathProblem(input.consentPolicy.attribute);
    if (problem) errors.add('consentPolicy.attribute', problem);
    const values = input.consentPolicy.allowedValues;
    if (!values.length || values.length > 20 || values.some((v) => !v.trim() || v.length > 64)) {
      errors.add('consentPolicy.allowedValues', 'must list 1-20 non-empty values of at most 64 characters');
    }
  }
  errors.throwIfAny();
  // Seeded first, so that an action created before the first read does not stand in for the whole catalog.
  if (!(await store.listMarketingActions(deps.db, viewer.sandboxId)).length) await seed(deps, viewer.sandboxId);
  return await inTransaction(deps.db, async (tx) => {
    if (await store.findMarketingActionByKey(tx, viewer.sandboxId, input.key)) {
      throw new ConflictError(`a marketing action with key "${input.key}" already exists`);
    }
    const row: MarketingActionRecord = {
      id: newId(),
      sandboxId: viewer.sandboxId,
      key: input.key,
      name,
      description: input.description?.trim() || null,
      consentPolicy: input.consentPolicy ?? null,
      createdAt: new Date(),
    };
    await store.insertMarketingAction(tx, row);
    return row;
  });
}

export interface GeneralSettings {
  sandboxId: string;
  whatsAppExecutionField: string;
}

export async function getGeneralSettings(deps: AppDeps, sandboxId: string): Promise<GeneralSettings> {
  return generalSettingsOf(sandboxId, await store.findGeneralSettings(deps.db, sandboxId));
}

/** getGeneralSettings at once on SQLite when it can (a page's rows then complete without a promise). */
export function getGeneralSettingsNow(deps: AppDeps, sandboxId: string): GeneralSettings | Promise<GeneralSettings> {
  const sync = store.now(deps.db);
  return sync ? generalSettingsOf(sandboxId, sync.findGeneralSettings(deps.db, sandboxId)) : getGeneralSettings(deps, sandboxId);
}

function generalSettingsOf(sandboxId: string, row: { whatsAppExecutionField: string } | undefined): GeneralSettings {
  return { sandboxId, whatsAppExecutionField: row?.whatsAppExecutionField ?? DEFAULT_WHATSAPP_EXECUTION_FIELD };
}

export async function updateGeneralSettings(
  deps: AppDeps,
  viewer: Viewer,
  input: { whatsAppExecutionField: string },
): Promise<GeneralSettings> {
  const problem = attributePathProblem(input.whatsAppExecutionField);
  if (problem) {
    const errors = new FieldErrors();
    errors.add('whatsAppExecutionField', problem);
    errors.throwIfAny();
  }
  await store.upsertGeneralSettings(deps.db, {
    sandboxId: viewer.sandboxId,
    whatsAppExecutionField: input.whatsAppExecutionField,
    updatedAt: new Date(),
  });
  return getGeneralSettings(deps, viewer.sandboxId);
}
