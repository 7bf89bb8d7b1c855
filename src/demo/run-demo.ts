import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../core/config.js';
import { DEFAULT_IDS, startMetaSimulator, type RunningMetaSimulator, type Scenario } from '../meta-simulator/index.js';
import { simulatorGuide, simulatorValueLines } from '../meta-simulator/guide.js';
import { createLogger } from '../platform/logger.js';
import { startServer, type RunningServer } from '../service/server.js';
import { createScriptClient, type ScriptClient } from './graphql-client.js';
import * as ops from './operations.js';

/**
 * `npm run demo`: the whole WhatsApp channel set up through the public GraphQL API
 * against the built-in Meta simulator, the way an admin script would do it.
 * One line per step with its duration, a summary, exit code 0; a failure names
 * the step and exits 1. `--keep` leaves everything running.
 */

export interface DemoOptions {
  keep: boolean;
  /** Run against this simulator scenario instead of the default one (`wcs demo --scenario file.json`). */
  scenario?: Scenario;
  out: (line: string) => void;
  err: (line: string) => void;
}

interface StepResult {
  name: string;
  ms: number;
  detail: string;
}

const CUSTOMER = { waId: '14155550123', name: 'Dana Demo' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const { out } = options;
  const steps: StepResult[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcs-demo-'));
  let sim: RunningMetaSimulator | undefined;
  let server: RunningServer | undefined;
  let api: ScriptClient | undefined;
  const state: Record<string, string> = {};

  const step = async (name: string, fn: () => Promise<string>) => {
    const started = performance.now();
    try {
      const detail = await fn();
      const ms = Math.round(performance.now() - started);
      steps.push({ name, ms, detail });
      out(`  ✓ ${name.padEnd(52)} ${String(ms).padStart(5)} ms  ${detail}`);
    } catch (err) {
      const ms = Math.round(performance.now() - started);
      out(`  ✗ ${name.padEnd(52)} ${String(ms).padStart(5)} ms`);
      throw Object.assign(err instanceof Error ? err : new Error(String(err)), { step: name });
    }
  };

  const shutdown = async () => {
    await api?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await sim?.close().catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  out('whatsapp-channel-service demo: the WhatsApp channel set up end to end against the Meta simulator\n');
  const started = performance.now();
  try {
    await step('start the Meta simulator and the service', async () => {
      sim = await startMetaSimulator({ port: 0, host: '127.0.0.1', scenario: options.scenario });
      const port = await freePort();
      const config = loadConfig({
        NODE_ENV: 'development',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DATABASE_URL: `file:${path.join(dataDir, 'wcs.sqlite')}`,
        META_GRAPH_URL: sim.baseUrl,
        JOB_POLL_INTERVAL_MS: '50',
      });
      server = await startServer({ config, bootstrap: true, logger: createLogger({ level: options.keep ? 'info' : 'silent' }) });
      if (!server.bootstrapKey) throw new Error('no bootstrap key was created');
      state.key = server.bootstrapKey.key;
      api = createScriptClient(server.url, state.key);
      return `${server.url} (Meta simulator at ${sim.baseUrl})`;
    });
    const client = () => api!;

    await step('discover WhatsApp Business Accounts', async () => {
      const data = await client().query<ops.DiscoverData>(ops.DISCOVER, {
        input: { apiToken: DEFAULT_IDS.token.systemUser, businessAccountId: DEFAULT_IDS.business.acme },
      });
      const accounts = ops.successData(data.discoverWhatsAppBusinessAccounts, 'DiscoverWhatsAppBusinessAccountsSuccess');
      const waba = accounts.find((w) => w.id === DEFAULT_IDS.waba.acmeMain);
      const phone = waba?.phoneNumbers.find((p) => p.id === DEFAULT_IDS.phone.acmeGreen);
      if (!waba || !phone) throw new Error('the expected WABA and number were not listed');
      state.senderNumber = `+${phone.displayPhoneNumber.replace(/\D/g, '')}`;
      const numbers = accounts.reduce((n, w) => n + w.phoneNumbers.length, 0);
      return `${accounts.length} WABAs, ${numbers} numbers; picked "${waba.name}" / ${phone.verifiedName} (${phone.qualityRating}, ${phone.messagesPerSecond ?? '?'} msg/s)`;
    });

    await step('create the credential, watch PROCESSING → ACTIVE', async () => {
      // Watch the sandbox before creating, so the first transition is seen too.
      const watch = client().watch<ops.CredentialEventData>(
        ops.CREDENTIAL_STATUS,
        { id: null },
        (e) =>
          e.whatsAppApiCredentialStatusChanged.credential.id === state.credentialId &&
          ['ACTIVE', 'FAILED'].includes(e.whatsAppApiCredentialStatusChanged.status),
      );
      const data = await client().query<ops.CreateCredentialData>(ops.CREATE_CREDENTIAL, {
        input: {
          name: 'demo-credential',
          apiToken: DEFAULT_IDS.token.systemUser,
          businessAccountId: DEFAULT_IDS.business.acme,
          whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
          phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
        },
      });
      state.credentialId = ops.successData(data.createWhatsAppApiCredential, 'CreateWhatsAppApiCredentialSuccess').id;
      const events = (await watch.done).filter((e) => e.whatsAppApiCredentialStatusChanged.credential.id === state.credentialId);
      const last = events.at(-1)!.whatsAppApiCredentialStatusChanged;
      if (last.status !== 'ACTIVE') throw new Error(`credential ${last.status}: ${last.credential.statusMessage}`);
      return `graphql-ws: ${events.map((e) => e.whatsAppApiCredentialStatusChanged.status).join(' → ')}; token …${last.credential.apiTokenLast4}`;
    });

    await step('create the webhook with OPT_IN/OPT_OUT/HELP/DEFAULT', async () => {
      const data = await client().query<ops.CreateWebhookData>(ops.CREATE_WEBHOOK, {
        input: {
          name: 'demo-webhook',
          apiCredentialId: state.credentialId,
          appSecret: DEFAULT_IDS.appSecret,
          keywordRules: [
            {
              category: 'OPT_OUT',
              keywords: ['STOP', 'UNSUBSCRIBE'],
              replyMessage: 'You are unsubscribed. Reply START to subscribe again.',
            },
            { category: 'OPT_IN', keywords: ['START'], replyMessage: 'Welcome back! You will receive our messages again.' },
            { category: 'HELP', keywords: ['HELP'], replyMessage: 'Reply STOP to unsubscribe. Questions: help@example.com' },
            { category: 'DEFAULT', keywords: [], replyMessage: 'Thanks for your message, we will get back to you.' },
          ],
        },
      });
      const webhook = ops.successData(data.createWhatsAppWebhook, 'CreateWhatsAppWebhookSuccess');
      Object.assign(state, { webhookId: webhook.id, callbackUrl: webhook.callbackUrl, verifyToken: webhook.verifyToken });
      return `callback ${webhook.callbackUrl}`;
    });

    await step("Meta's verification handshake", async () => {
      const handshake = await sim!.sim.configureWebhook({
        callbackUrl: state.callbackUrl!,
        verifyToken: state.verifyToken!,
        appSecret: DEFAULT_IDS.appSecret,
      });
      if (!handshake.verified) throw new Error(`handshake failed: HTTP ${handshake.status} ${handshake.error ?? ''}`);
      const verifiedAt = await until('verifiedAt', async () => {
        const data = await client().query<ops.WebhookNodeData>(ops.WEBHOOK_NODE, { id: state.webhookId });
        return data.node?.verifiedAt;
      });
      return `GET answered the challenge; verifiedAt ${verifiedAt}`;
    });

    await step('save a channel configuration as a draft', async () => {
      const actions = await client().query<ops.MarketingActionsData>(ops.MARKETING_ACTIONS);
      const marketing = actions.marketingActions.find((a) => a.key === 'whatsapp_marketing');
      const data = await client().query<ops.CreateConfigurationData>(ops.CREATE_CONFIGURATION, {
        input: {
          name: 'demo-whatsapp',
          description: 'Created by npm run demo',
          channel: 'WHATSAPP',
          saveAsDraft: true,
          marketingActionIds: marketing ? [marketing.id] : [],
          whatsApp: { apiCredentialId: state.credentialId, webhookId: state.webhookId, senderPhoneNumber: state.senderNumber },
        },
      });
      const draft = ops.successData(data.createChannelConfiguration, 'CreateChannelConfigurationSuccess');
      state.configurationId = draft.id;
      return `${draft.status}, sender ${state.senderNumber}, marketing action ${marketing?.key ?? 'none'}`;
    });

    await step('submit it, watch DRAFT → PROCESSING → ACTIVE', async () => {
      // The subscription answers with the current state (DRAFT) first, so it is live before the submit.
      let live!: () => void;
      const subscribed = new Promise<void>((resolve) => (live = resolve));
      const watch = client().watch<ops.ConfigurationEventData>(ops.CONFIGURATION_STATUS, { id: state.configurationId }, (e) => {
        live();
        return ['ACTIVE', 'FAILED'].includes(e.channelConfigurationStatusChanged.status);
      });
      await subscribed;
      const data = await client().query<ops.SubmitConfigurationData>(ops.SUBMIT_CONFIGURATION, { input: { id: state.configurationId } });
      ops.successData(data.submitChannelConfiguration, 'SubmitChannelConfigurationSuccess');
      const events = await watch.done;
      const last = events.at(-1)!.channelConfigurationStatusChanged;
      const checks = last.channelConfiguration.checks;
      if (last.status !== 'ACTIVE') {
        const failed = checks.filter((c) => c.status === 'FAILED').map((c) => `${c.name}: ${c.message}`);
        throw new Error(`configuration ${last.status}: ${failed.join('; ')}`);
      }
      return `graphql-ws: ${events.map((e) => e.channelConfigurationStatusChanged.status).join(' → ')}; ${checks.filter((c) => c.status === 'PASSED').length}/${checks.length} checks passed`;
    });

    await step('inbound " stop " opts the customer out', async () => {
      const inbound = await sim!.sim.sendInboundText({ phoneNumberId: DEFAULT_IDS.phone.acmeGreen, from: CUSTOMER, text: ' stop ' });
      if (inbound.delivery.status !== 200) throw new Error(`webhook answered ${inbound.delivery.status}`);
      const consent = await until('consent OPTED_OUT', async () => {
        const data = await client().query<ops.ConsentData>(ops.CONSENT, { phoneNumber: `+${CUSTOMER.waId}` });
        return data.consent.status === 'OPTED_OUT' ? data.consent : null;
      });
      const change = consent.history[0];
      return `consent ${consent.status} (source ${change?.source}, keyword ${change?.keyword})`;
    });

    await step('the auto-reply went out through Meta', async () => {
      const reply = await until('the auto-reply at Meta', async () =>
        sim!.sim.sentMessages({ phoneNumberId: DEFAULT_IDS.phone.acmeGreen }).find((m) => m.to?.replace(/\D/g, '') === CUSTOMER.waId),
      );
      state.replyWamid = reply.wamid;
      const text = (reply.body.text as { body?: string } | undefined)?.body ?? '';
      return `Meta received "${text.slice(0, 48)}${text.length > 48 ? '…' : ''}"`;
    });

    await step('delivery statuses move the reply to READ', async () => {
      await sim!.sim.emitStatusesFor(state.replyWamid!, ['sent', 'read', 'delivered']);
      const message = await until('READ', async () => {
        const data = await client().query<ops.MessagesData>(ops.OUTBOUND_MESSAGES);
        return data.whatsAppMessages.edges.map((e) => e.node).find((m) => m.wamid === state.replyWamid && m.status === 'READ');
      });
      return `statuses sent, read, delivered (out of order) → ${message.status}`;
    });

    await step('tracking events recorded', async () => {
      const data = await until('tracking events', async () => {
        const result = await client().query<ops.TrackingData>(ops.TRACKING_EVENTS);
        return result.trackingEvents.totalCount >= 5 ? result : null;
      });
      const types = data.trackingEvents.edges.map((e) => e.node.type).reverse();
      return `${data.trackingEvents.totalCount}: ${types.join(', ')}`;
    });
  } catch (err) {
    const failed = (err as { step?: string }).step ?? 'setup';
    options.err(`\nFAILED at step "${failed}": ${err instanceof Error ? err.message : String(err)}`);
    await shutdown();
    return 1;
  }

  const total = Math.round(performance.now() - started);
  out(
    `\nSummary: ${steps.length} steps passed in ${total} ms — credential ACTIVE, webhook verified by Meta's handshake, channel configuration ACTIVE, opt-out handled with an auto-reply, statuses and tracking events recorded.`,
  );
  if (!options.keep) {
    out(`\nThe simulator played Meta with these values (a real Meta app gives you your own):`);
    for (const line of simulatorValueLines()) out(line);
    out('Run `npm run demo -- --keep` (or `npx wcs demo --keep`) to keep the service and the simulator running and try them yourself.');
    await shutdown();
    return 0;
  }
  out(`\nThe service keeps running (Ctrl-C to stop):`);
  out(`  GraphiQL:   ${server!.url}/graphql`);
  out(`  ADMIN key:  ${state.key}`);
  out(`  Meta simulator: ${sim!.url} (control API under /__simulator)`);
  out('');
  for (const line of simulatorGuide(sim!.url)) out(line);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await shutdown();
  return 0;
}
