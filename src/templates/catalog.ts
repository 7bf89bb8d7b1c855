import { openMetaSession, type CredentialRecord } from '../credentials/service.js';
import type { AppDeps } from '../core/deps.js';
import type { TemplateCategoryChange, TemplateStatusChange } from '../meta/index.js';
import { SYSTEM_SANDBOX } from '../platform/pubsub.js';
import { toDefinition, type TemplateDefinition } from './definition.js';

/**
 * The WABA's message templates as Meta last said, cached per (sandbox, WABA):
 * every template send is checked against them before it reaches Meta, and a
 * send must not cost a Graph call. Entries are re-read after TTL_MS, and at
 * once after a message_template_status_update or template_category_update
 * webhook, whose facts are applied to the entry right away so that a PAUSED
 * template is refused even while Meta cannot be reached. Keyed by sandbox too:
 * one sandbox's credential never answers another sandbox's question.
 */

const TTL_MS = 10 * 60_000;

/** A template webhook's facts, as one instance tells the others (Meta's ids and enums; never the raw payload). */
export type TemplateFacts =
  | Pick<TemplateStatusChange, 'kind' | 'templateId' | 'templateName' | 'templateLanguage' | 'event' | 'category'>
  | Pick<TemplateCategoryChange, 'kind' | 'templateId' | 'templateName' | 'templateLanguage' | 'previousCategory' | 'newCategory'>;

declare module '../platform/pubsub.js' {
  interface PubSubEvents {
    /** Instance-wide (SYSTEM_SANDBOX): a template webhook was processed; every instance's catalog applies its facts. */
    'template:changed': { sandboxId: string; wabaId: string; change: TemplateFacts };
  }
}

function factsOf(change: TemplateStatusChange | TemplateCategoryChange): TemplateFacts {
  const { templateId, templateName, templateLanguage } = change;
  return change.kind === 'message_template_status_update'
    ? { kind: change.kind, templateId, templateName, templateLanguage, event: change.event, category: change.category }
    : {
        kind: change.kind,
        templateId,
        templateName,
        templateLanguage,
        previousCategory: change.previousCategory,
        newCategory: change.newCategory,
      };
}
/** After a failed read, the cached list is used this long before Meta is asked again (no per-send retries in an outage). */
const FAILED_READ_BACKOFF_MS = 30_000;

interface Entry {
  templates: TemplateDefinition[];
  fetchedAt: number;
  /** A webhook changed a template since the read: read again at the next use. */
  stale: boolean;
  /** A read failed: until then the cache answers (performance.now() ms). */
  quietUntil: number;
  /** +1 per webhook, so a read that started before one never overwrites its facts. */
  version: number;
  inflight: Promise<TemplateDefinition[]> | null;
}

/** Where an answer came from: Meta now, the cache, or nothing (Meta unreachable and nothing cached). */
export type CatalogAnswer =
  { source: 'meta' | 'cache'; templates: TemplateDefinition[] } | { source: 'unavailable'; templates: []; error: unknown };

export class TemplateCatalog {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: AppDeps) {}

  private key(sandboxId: string, wabaId: string): string {
    return `${sandboxId}\u0000${wabaId}`;
  }

  /** Reads the WABA's templates from Meta (refresh) or the cache; throws Meta's error when nothing is cached. */
  async list(credential: CredentialRecord, options: { refresh?: boolean } = {}): Promise<TemplateDefinition[]> {
    const answer = await this.read(credential, options);
    if (answer.source === 'unavailable') throw answer.error;
    return answer.templates;
  }

  /** Like list, but never throws: a failed read falls back to the cache, else says it is unavailable. */
  async read(credential: CredentialRecord, options: { refresh?: boolean } = {}): Promise<CatalogAnswer> {
    const key = this.key(credential.sandboxId, credential.wabaId);
    const entry = this.entries.get(key);
    const now = performance.now();
    const fresh = entry && ((!entry.stale && now - entry.fetchedAt < TTL_MS) || (entry.fetchedAt > 0 && now < entry.quietUntil));
    if (entry && fresh && !options.refresh) return { source: 'cache', templates: entry.templates };
    try {
      return { source: 'meta', templates: await this.fetch(key, credential) };
    } catch (error) {
      const failed = this.entries.get(key);
      if (failed) failed.quietUntil = performance.now() + FAILED_READ_BACKOFF_MS;
      if (failed?.fetchedAt) return { source: 'cache', templates: failed.templates };
      return { source: 'unavailable', templates: [], error };
    }
  }

  private fetch(key: string, credential: CredentialRecord): Promise<TemplateDefinition[]> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { templates: [], fetchedAt: 0, stale: true, quietUntil: 0, version: 0, inflight: null };
      this.entries.set(key, entry);
    }
    if (entry.inflight) return entry.inflight;
    const target = entry;
    const version = target.version;
    const read = openMetaSession(this.deps, credential)
      .listTemplates(credential.wabaId)
      .then((raw) => {
        const templates = raw.map(toDefinition);
        target.templates = templates;
        target.fetchedAt = performance.now();
        // A webhook arrived while Meta answered: the answer may predate it; read again next time.
        target.stale = target.version !== version;
        return templates;
      })
      .finally(() => {
        target.inflight = null;
      });
    target.inflight = read;
    return read;
  }

  /** Applies a template webhook to the cached WABA of the sandbox; returns whether a cached template changed. */
  apply(sandboxId: string, wabaId: string, change: TemplateFacts): boolean {
    const entry = this.entries.get(this.key(sandboxId, wabaId));
    if (!entry) return false;
    entry.version += 1;
    entry.stale = true;
    const language = change.templateLanguage.replace('-', '_');
    const template = entry.templates.find((t) => t.id === change.templateId || (t.name === change.templateName && t.language === language));
    if (!template) return false;
    if (change.kind === 'message_template_status_update') {
      template.status = change.event.toUpperCase();
      if (change.category) template.category = change.category.toUpperCase();
    } else {
      if (change.previousCategory) template.previousCategory = change.previousCategory.toUpperCase();
      template.category = change.newCategory.toUpperCase();
    }
    return true;
  }

  /** The WABA's templates as cached now, without reading (tests, operations). */
  cached(sandboxId: string, wabaId: string): readonly TemplateDefinition[] | undefined {
    const entry = this.entries.get(this.key(sandboxId, wabaId));
    return entry?.fetchedAt ? entry.templates : undefined;
  }

  /** Every entry is read again at its next use (events about them may have been missed). */
  staleAll(): void {
    for (const entry of this.entries.values()) {
      entry.version += 1;
      entry.stale = true;
    }
  }

  /** Forgets a sandbox's entries for a WABA (a credential was deleted or its token changed). */
  forget(sandboxId: string, wabaId: string): void {
    this.entries.delete(this.key(sandboxId, wabaId));
  }
}

declare module '../core/deps.js' {
  interface SliceState {
    /** The service's template catalog (created once by the composition). */
    templates: TemplateCatalog;
  }
}

/** The template catalog of this service. */
export function templateCatalog(deps: AppDeps): TemplateCatalog {
  return deps.state.templates;
}

/** A template webhook (message_template_status_update, template_category_update): refreshes the catalog. */
export function applyTemplateWebhook(
  deps: AppDeps,
  sandboxId: string,
  wabaId: string,
  change: TemplateStatusChange | TemplateCategoryChange,
): string {
  const changed = templateCatalog(deps).apply(sandboxId, wabaId, change);
  // The other instances' catalogs too (this one hears it again: applying the same facts twice changes nothing).
  deps.pubsub.publish(SYSTEM_SANDBOX, 'template:changed', { sandboxId, wabaId, change: factsOf(change) });
  deps.logger.info(
    { sandboxId, wabaId, templateId: change.templateId, field: change.field, changed },
    'template webhook: the template catalog will be re-read',
  );
  return change.kind === 'message_template_status_update'
    ? `template status update(s) (${change.event})`
    : `template category update(s) (${change.newCategory})`;
}

/**
 * Applies the template webhooks other instances processed, for the life of the service (subscribed before it serves):
 * a PAUSED template is refused here too, not only where its webhook was processed. After a bus resync every entry is
 * read again.
 */
export function watchTemplateChanges(deps: AppDeps, signal?: AbortSignal): void {
  const events = deps.pubsub.subscribe(SYSTEM_SANDBOX, 'template:changed', signal);
  const offResync = deps.pubsub.onResync(() => templateCatalog(deps).staleAll());
  signal?.addEventListener('abort', offResync, { once: true });
  void (async () => {
    for await (const { sandboxId, wabaId, change } of events) templateCatalog(deps).apply(sandboxId, wabaId, change);
  })();
}
