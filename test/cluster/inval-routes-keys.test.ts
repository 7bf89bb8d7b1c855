import { describe, expect, it } from 'vitest';
import { signWebhookBody } from '../../src/meta/index.js';
import { inboundTextPayload } from '../../src/meta-simulator/index.js';
import type { AppDeps } from '../../src/core/deps.js';
import { KeyWatcher } from '../../src/http/live-connections.js';
import { PubSub, SYSTEM_SANDBOX } from '../../src/platform/pubsub.js';
import * as tenancy from '../../src/platform/tenancy/service.js';
import type { Viewer } from '../../src/platform/tenancy/viewer.js';
import { RouteCache, watchRouteChanges } from '../../src/webhooks/route-cache.js';
import { getCredential } from '../../src/credentials/service.js';
import type { TemplateStatusChange } from '../../src/meta/index.js';
import { applyTemplateWebhook, templateCatalog } from '../../src/templates/catalog.js';
import { updateWebhook } from '../../src/webhooks/service.js';
import { startHarness } from '../helpers/harness.js';
import { AuditAddedDoc } from '../helpers/live-docs.js';
import { connectWs } from '../helpers/live.js';
import { sleep, waitUntil } from '../helpers/wait.js';
import { connectedWorld, rawId, useWorld } from '../helpers/world.js';
import { DeleteWebhookDoc, IDS, postRaw, UpdateWebhookDoc } from '../webhooks/helpers.js';

// Issue 19, "caches and stops invalidated across instances", on one instance (the default backend): the route cache
// and the key watcher act on the events another instance would send. A second "instance" is the same service's deps
// with its own slice state (another cache), sharing the database and, standing in for the bus, the PubSub.

const OLD_SECRET = 'inval-old-app-secret-0123456789abcdef';
const NEW_SECRET = 'inval-new-app-secret-fedcba9876543210';

const w = useWorld(() => connectedWorld({ appSecret: OLD_SECRET }));

async function viewerOf(deps: AppDeps, key: string): Promise<Viewer> {
  const viewer = await tenancy.authenticate(deps.db, `Bearer ${key}`);
  if (!viewer) throw new Error('test key does not authenticate');
  return viewer;
}

/** The service as another instance would run it: same database, its own route cache, and the given event bus. */
function otherInstance(deps: AppDeps, pubsub: PubSub): AppDeps {
  return { ...deps, pubsub, state: { ...deps.state, webhookRoutes: new RouteCache() } };
}

let n = 0;
function signed(secret: string): { body: Buffer; headers: Record<string, string> } {
  const payload = inboundTextPayload(w.sim.sim.numberRef(IDS.phone.acmeGreen), { waId: '16505551111' }, `hello ${++n}`);
  const body = Buffer.from(JSON.stringify(payload));
  return { body, headers: { 'x-hub-signature-256': signWebhookBody(body, secret) } };
}
const post = async (secret: string) => {
  const { body, headers } = signed(secret);
  return (await postRaw(w.url, body, headers)).status;
};

describe('webhook route cache across instances', () => {
  it('keeps the old secret when the change is not announced, and forgets it at once when it is', async () => {
    const deps = w.h.server.deps;
    const viewer = await viewerOf(deps, w.h.adminKey);
    const id = rawId(w.webhook.id);
    expect(await post(OLD_SECRET)).toBe(200);
    expect(deps.state.webhookRoutes.size).toBe(1);

    // Changed on an instance whose events never reach this one: this instance honours the old secret (the TTL's minute).
    await updateWebhook(otherInstance(deps, new PubSub()), viewer, { id, appSecret: NEW_SECRET });
    expect(await post(OLD_SECRET)).toBe(200);
    expect(await post(NEW_SECRET)).toBe(401);

    // Changed back on an instance whose events do reach it: forgotten here without any call of this instance.
    await updateWebhook(otherInstance(deps, deps.pubsub), viewer, { id, appSecret: OLD_SECRET });
    await updateWebhook(otherInstance(deps, deps.pubsub), viewer, { id, appSecret: NEW_SECRET });
    await waitUntil(async () => (await post(OLD_SECRET)) === 401, 5_000, 'the old secret refused');
    expect(await post(NEW_SECRET)).toBe(200);
  });

  it('announces a secret change and a delete (not a rename) in SYSTEM_SANDBOX, with the webhook id only', async () => {
    const deps = w.h.server.deps;
    const stop = new AbortController();
    const events = deps.pubsub.subscribe(SYSTEM_SANDBOX, 'webhook:route-changed', stop.signal);
    const seen: unknown[] = [];
    void (async () => {
      for await (const event of events) seen.push(event);
    })();
    const id = rawId(w.webhook.id);
    const renamed = await w.h.gql(UpdateWebhookDoc, { input: { id: w.webhook.id, name: 'renamed hooks' } });
    expect(renamed.data?.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    await sleep(300);
    expect(seen).toEqual([]);

    const rotated = await w.h.gql(UpdateWebhookDoc, { input: { id: w.webhook.id, appSecret: OLD_SECRET } });
    expect(rotated.data?.updateWhatsAppWebhook.__typename).toBe('UpdateWhatsAppWebhookSuccess');
    await waitUntil(() => seen.length === 1, 5_000, 'the secret change announced');
    expect(seen[0]).toEqual({ webhookId: id });
    expect(JSON.stringify(seen)).not.toContain(OLD_SECRET);

    const deleted = await w.h.gql(DeleteWebhookDoc, { input: { id: w.webhook.id } });
    expect(deleted.data?.deleteWhatsAppWebhook.__typename).toBe('DeleteWhatsAppWebhookSuccess');
    await waitUntil(() => seen.length === 2, 5_000, 'the delete announced');
    expect(seen[1]).toEqual({ webhookId: id });
    stop.abort();
    expect(await post(OLD_SECRET)).toBe(404);
  });
});

/** A PubSub whose bus "lost its connection and is back". */
class ResyncingPubSub extends PubSub {
  fire(): void {
    this.resync({ reason: 'test' });
  }
}

describe('after a bus resync', () => {
  it('the route cache forgets every route (events may have been missed)', () => {
    const pubsub = new ResyncingPubSub();
    const webhookRoutes = new RouteCache();
    const stop = new AbortController();
    watchRouteChanges({ pubsub, state: { webhookRoutes } } as unknown as AppDeps, stop.signal);
    webhookRoutes.remember('p1', { webhookId: 'w1', sandboxId: 's', appSecret: 'x' });
    pubsub.fire();
    expect(webhookRoutes.size).toBe(0);
    stop.abort();
    webhookRoutes.remember('p1', { webhookId: 'w1', sandboxId: 's', appSecret: 'x' });
    pubsub.fire(); // no longer watched
    expect(webhookRoutes.size).toBe(1);
  });
});

describe('template catalog across instances', () => {
  it('applies a template webhook another instance processed, and tells the others of its own (facts only, no raw payload)', async () => {
    const deps = w.h.server.deps;
    const viewer = await viewerOf(deps, w.h.adminKey);
    const credential = (await getCredential(deps, viewer.sandboxId, rawId(w.credentialId)))!;
    const catalog = templateCatalog(deps);
    const templates = await catalog.list(credential);
    const target = templates.find((t) => t.status === 'APPROVED')!;
    expect(target).toBeDefined();
    const statusOf = () => catalog.cached(viewer.sandboxId, credential.wabaId)?.find((t) => t.id === target.id)?.status;
    expect(statusOf()).toBe('APPROVED');

    // Another instance processed Meta's "PAUSED" for it: this catalog applies the facts it announced.
    const facts = { templateId: target.id, templateName: target.name, templateLanguage: target.language };
    deps.pubsub.publish(SYSTEM_SANDBOX, 'template:changed', {
      sandboxId: 'another-sandbox',
      wabaId: credential.wabaId,
      change: { kind: 'message_template_status_update', ...facts, event: 'PAUSED', category: null },
    });
    await sleep(200);
    expect(statusOf()).toBe('APPROVED'); // another sandbox's catalog entry, not this one
    deps.pubsub.publish(SYSTEM_SANDBOX, 'template:changed', {
      sandboxId: viewer.sandboxId,
      wabaId: credential.wabaId,
      change: { kind: 'message_template_status_update', ...facts, event: 'PAUSED', category: null },
    });
    await waitUntil(() => statusOf() === 'PAUSED', 5_000, 'the announced status applied');

    // This instance processing one announces it, without Meta's raw payload.
    const stop = new AbortController();
    const seen: unknown[] = [];
    const events = deps.pubsub.subscribe(SYSTEM_SANDBOX, 'template:changed', stop.signal);
    void (async () => {
      for await (const event of events) seen.push(event);
    })();
    const change: TemplateStatusChange = {
      kind: 'message_template_status_update',
      field: 'message_template_status_update',
      ...facts,
      event: 'APPROVED',
      reason: null,
      category: null,
      rejectionInfo: null,
      otherInfo: null,
      raw: { secretish: 'raw-payload-canary' },
    };
    applyTemplateWebhook(deps, viewer.sandboxId, credential.wabaId, change);
    await waitUntil(() => seen.length === 1, 5_000, 'the change announced');
    stop.abort();
    expect(JSON.stringify(seen)).not.toContain('raw-payload-canary');
    expect(seen[0]).toEqual({
      sandboxId: viewer.sandboxId,
      wabaId: credential.wabaId,
      change: { kind: change.kind, ...facts, event: 'APPROVED', category: null },
    });
    expect(statusOf()).toBe('APPROVED');
  });
});

describe('RouteCache', () => {
  it('does not keep a route read before a forget (it may hold the old secret), and forgets by webhook id', () => {
    const cache = new RouteCache();
    const ticket = cache.ticket();
    cache.forgetWebhook('w1'); // the change committed while the row was being read
    const entry = cache.remember('p1', { webhookId: 'w1', sandboxId: 's', appSecret: 'old' }, ticket);
    expect(entry.appSecret).toBe('old'); // this request still gets what it read
    expect(cache.find('p1')).toBeUndefined();

    cache.remember('p1', { webhookId: 'w1', sandboxId: 's', appSecret: 'new' }, cache.ticket());
    cache.remember('p2', { webhookId: 'w2', sandboxId: 's', appSecret: 'x' }, cache.ticket());
    cache.forgetWebhook('w1');
    expect(cache.find('p1')).toBeUndefined();
    expect(cache.find('p2')?.appSecret).toBe('x');
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('API key revocation across instances', () => {
  it('an unannounced revocation waits for the periodic check; an announced one ends the streams at once', async () => {
    // A check interval far beyond the test: only the announcement can end the stream in time.
    const h = await startHarness({ env: { STREAM_KEY_RECHECK_MS: '600000' } });
    try {
      const deps = h.server.deps;
      const quiet = await tenancy.createApiKey(deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' });
      const loud = await tenancy.createApiKey(deps.db, { organization: 'acme', sandbox: 'prod', role: 'ADMIN' });
      const quietConn = connectWs(h.wsUrl, quiet.key);
      const loudConn = connectWs(h.wsUrl, loud.key);
      quietConn.subscribe(AuditAddedDoc);
      loudConn.subscribe(AuditAddedDoc);
      await waitUntil(() => h.server.app.keyWatcher.size === 2, 5_000, 'both streams watched');

      // Revoked without an announcement (as the CLI on SQLite): the stream runs on until the periodic check.
      await tenancy.revokeApiKey(deps.db, quiet.record.prefix);
      await sleep(500);
      expect(h.server.app.keyWatcher.size).toBe(2);

      const announced: string[] = [];
      const revokedAt = Date.now();
      await tenancy.revokeApiKey(deps.db, loud.record.prefix, new Date(), (_tx, apiKeyId) => {
        announced.push(apiKeyId);
        deps.pubsub.publish(SYSTEM_SANDBOX, 'api-key:revoked', { apiKeyId });
      });
      expect(announced).toEqual([loud.record.id]);
      expect((await loudConn.closed).code).toBe(4403);
      expect(Date.now() - revokedAt).toBeLessThan(5_000);
      // The announcement makes the instance check every watched key, so the quiet one ends with it.
      expect((await quietConn.closed).code).toBe(4403);
      expect(h.server.app.keyWatcher.size).toBe(0);
    } finally {
      await h.stop();
    }
  });

  it('revoking a revoked key announces nothing', async () => {
    const deps = w.h.server.deps;
    const created = await tenancy.createApiKey(deps.db, { organization: 'acme', sandbox: 'prod', role: 'VIEWER' });
    await tenancy.revokeApiKey(deps.db, created.record.prefix);
    const announced: string[] = [];
    await tenancy.revokeApiKey(deps.db, created.record.prefix, new Date(), (_tx, id) => void announced.push(id));
    expect(announced).toEqual([]);
  });
});

describe('KeyWatcher.checkNow', () => {
  it('checks at once, and once more when asked during a check (that check may have read the key before the revocation)', async () => {
    const valid = new Set(['a', 'b']);
    let checks = 0;
    let gate: Promise<void> = Promise.resolve();
    const watcher = new KeyWatcher(3_600_000, async (key) => {
      checks++;
      await gate;
      return valid.has(key);
    });
    const revoked: string[] = [];
    watcher.watch('a', () => revoked.push('a'));
    watcher.watch('b', () => revoked.push('b'));
    try {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      watcher.checkNow(); // reads 'a' as valid, then waits at the gate
      await waitUntil(() => checks === 1, 2_000, 'the first check started');
      valid.delete('a');
      watcher.checkNow(); // during the check: one more afterwards
      open();
      await waitUntil(() => revoked.length === 1, 2_000, 'the second check ran');
      expect(revoked).toEqual(['a']);
      expect(watcher.size).toBe(1);
    } finally {
      watcher.stop();
    }
    watcher.checkNow(); // stopped: nothing runs
    expect(revoked).toEqual(['a']);
  });
});
