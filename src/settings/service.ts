import type { AppDeps } from '../core/deps.js';
import { inTransaction } from '../platform/db.js';
import { ConflictError, FieldErrors } from '../platform/errors.js';
import { newId } from '../platform/ids.js';
import type { Viewer } from '../platform/tenancy/viewer.js';
import { attributePathProblem } from './attribute-path.js';
import * as store from './store.js';
import type { ConsentPolicy } from './tables.js';

export const DEFAULT_WHATSAPP_EXECUTION_FIELD = 'mobilePhone.number';

/** The catalog every sandbox starts with. */
const SEED_MARKETING_ACTIONS: Array<Pick<store.MarketingActionRecord, 'key' | 'name' | 'description' | 'consentPolicy'>> = [
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
function seed(deps: AppDeps, sandboxId: string): void {
  inTransaction(deps.db, (tx) => {
    const now = Date.now();
    SEED_MARKETING_ACTIONS.forEach((action, i) => {
      store.insertMarketingAction(tx, { id: newId(now + i), sandboxId, createdAt: new Date(now), ...action }, true);
    });
  });
}

/** The catalog; seeded the first time a sandbox reads it. */
export function listMarketingActions(deps: AppDeps, viewer: Viewer): store.MarketingActionRecord[] {
  const actions = store.listMarketingActions(deps.db, viewer.sandboxId);
  if (actions.length) return actions;
  seed(deps, viewer.sandboxId);
  return store.listMarketingActions(deps.db, viewer.sandboxId);
}

/** Actions by id. No seeding here: seeded actions get new ids, so seeding could never add one of `ids`. */
export function findMarketingActions(deps: AppDeps, sandboxId: string, ids: string[]): store.MarketingActionRecord[] {
  return store.findMarketingActionsByIds(deps.db, sandboxId, ids);
}

export interface CreateMarketingActionInput {
  key: string;
  name: string;
  description?: string | null;
  consentPolicy?: ConsentPolicy | null;
}

const KEY_RULE = /^[a-z][a-z0-9_]{1,63}$/;

export function createMarketingAction(deps: AppDeps, viewer: Viewer, input: CreateMarketingActionInput): store.MarketingActionRecord {
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
  if (!store.listMarketingActions(deps.db, viewer.sandboxId).length) seed(deps, viewer.sandboxId);
  return inTransaction(deps.db, (tx) => {
    if (store.findMarketingActionByKey(tx, viewer.sandboxId, input.key)) {
      throw new ConflictError(`a marketing action with key "${input.key}" already exists`);
    }
    const row: store.MarketingActionRecord = {
      id: newId(),
      sandboxId: viewer.sandboxId,
      key: input.key,
      name,
      description: input.description?.trim() || null,
      consentPolicy: input.consentPolicy ?? null,
      createdAt: new Date(),
    };
    store.insertMarketingAction(tx, row);
    return row;
  });
}

export interface GeneralSettings {
  sandboxId: string;
  whatsAppExecutionField: string;
}

export function getGeneralSettings(deps: AppDeps, sandboxId: string): GeneralSettings {
  const row = store.findGeneralSettings(deps.db, sandboxId);
  return { sandboxId, whatsAppExecutionField: row?.whatsAppExecutionField ?? DEFAULT_WHATSAPP_EXECUTION_FIELD };
}

export function updateGeneralSettings(deps: AppDeps, viewer: Viewer, input: { whatsAppExecutionField: string }): GeneralSettings {
  const problem = attributePathProblem(input.whatsAppExecutionField);
  if (problem) {
    const errors = new FieldErrors();
    errors.add('whatsAppExecutionField', problem);
    errors.throwIfAny();
  }
  store.upsertGeneralSettings(deps.db, {
    sandboxId: viewer.sandboxId,
    whatsAppExecutionField: input.whatsAppExecutionField,
    updatedAt: new Date(),
  });
  return getGeneralSettings(deps, viewer.sandboxId);
}
