// HTTP control API under /__simulator/ (a path Meta never uses), mirroring
// the TypeScript API so the demo and other processes can drive the simulator.
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { faultFromJson } from './faults.js';
import { scenarioPhoneNumberSchema } from './scenario.js';
import type { MetaSimulator } from './simulator.js';
import type { DeliveryResult } from './webhook-emitter.js';

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** JSON-serialisable view of the simulator for GET /__simulator/state. Token values are simulator-only test tokens. */
function stateView(sim: MetaSimulator): Record<string, unknown> {
  const w = sim.scenario;
  return {
    settings: w.settings,
    apps: w.apps.map((a) => ({ id: a.id, name: a.name })),
    businesses: w.businesses,
    wabas: w.wabas.map((x) => ({
      id: x.id,
      name: x.name,
      ownerBusinessId: x.ownerBusinessId,
      subscribedAppIds: x.subscribedAppIds,
      templates: x.templates.map((t) => ({ name: t.name, language: t.language, status: t.status, category: t.category })),
      phoneNumbers: x.phoneNumbers,
    })),
    tokens: w.tokens.map((t) => ({
      value: t.value,
      type: t.type,
      businessId: t.businessId,
      expiresAt: t.expiresAt,
      valid: !sim.tokenExpired(t),
      scopes: t.scopes,
      note: t.note,
    })),
    ...sim.recordCounts(),
    faults: sim.faults.list(),
    webhook: sim.webhook.current,
    autoStatuses: sim.autoStatuses,
  };
}

const delivery = (d: DeliveryResult): Record<string, unknown> => ({
  status: d.status,
  delivered: d.delivered,
  attempts: d.attempts,
  signature: d.signature,
  error: d.error,
});

const contact = z.object({
  waId: z.string().optional(),
  userId: z.string().optional(),
  parentUserId: z.string().optional(),
  name: z.string().optional(),
});

const schemas = {
  webhook: z.object({
    callbackUrl: z.string().url(),
    verifyToken: z.string().min(1),
    appSecret: z.string().optional(),
    wabaIds: z.array(z.string()).optional(),
    escapeUnicode: z.boolean().optional(),
    maxAttempts: z.number().int().min(1).max(10).optional(),
    retryDelayMs: z.number().int().nonnegative().optional(),
  }),
  inboundText: z.object({ phoneNumberId: z.string(), from: contact, text: z.string(), contextWamid: z.string().optional() }),
  inboundButton: z.object({ phoneNumberId: z.string(), from: contact, payload: z.string(), text: z.string(), contextWamid: z.string() }),
  inboundInteractive: z.object({
    phoneNumberId: z.string(),
    from: contact,
    id: z.string(),
    title: z.string(),
    contextWamid: z.string(),
    kind: z.enum(['button_reply', 'list_reply']).optional(),
  }),
  statuses: z.object({
    wamid: z.string(),
    statuses: z.array(z.string()).min(1),
    shuffle: z.boolean().optional(),
    repeat: z.number().int().min(1).max(10).optional(),
    errors: z
      .array(
        z.object({ code: z.number().int(), title: z.string().optional(), message: z.string().optional(), details: z.string().optional() }),
      )
      .optional(),
  }),
  quality: z.object({
    phoneNumberId: z.string(),
    event: z.string(),
    currentLimit: z.string().optional(),
    oldLimit: z.string().optional(),
    maxDailyConversationsPerBusiness: z.string().optional(),
  }),
  preference: z.object({ phoneNumberId: z.string(), contact, value: z.string() }),
  templateStatus: z.object({
    wabaId: z.string(),
    templateId: z.string(),
    event: z.string(),
    reason: z.string().optional(),
    rejectionInfo: z.object({ reason: z.string(), recommendation: z.string() }).optional(),
  }),
  templateCategory: z.object({ wabaId: z.string(), templateId: z.string(), newCategory: z.string(), impending: z.boolean().optional() }),
  phonePatch: scenarioPhoneNumberSchema
    .pick({
      qualityRating: true,
      throughputLevel: true,
      messagingLimitTier: true,
      canSendMessage: true,
      status: true,
      nameStatus: true,
      mpsOverride: true,
      verifiedName: true,
      codeVerificationStatus: true,
    })
    .partial()
    .strict(),
  accountUpdate: z.object({
    wabaId: z.string(),
    event: z.string(),
    banState: z.string().optional(),
    banDate: z.string().optional(),
    restrictions: z.array(z.object({ type: z.string(), expiration: z.coerce.date().optional() })).optional(),
    violationType: z.string().optional(),
    wabaInfo: z.object({ wabaId: z.string(), ownerBusinessId: z.string().optional(), partnerAppId: z.string().optional() }).optional(),
    entryId: z.string().optional(),
  }),
  inbound: z.object({
    phoneNumberId: z.string(),
    from: contact,
    type: z.string(),
    body: z.record(z.string(), z.unknown()).optional(),
    groupId: z.string().optional(),
    contextWamid: z.string().optional(),
  }),
  system: z.object({
    phoneNumberId: z.string(),
    from: contact,
    systemType: z.enum(['user_changed_number', 'user_changed_user_id']),
    newWaId: z.string().optional(),
    userId: z.string().optional(),
    previousUserId: z.string().optional(),
    name: z.string().optional(),
  }),
  userIdUpdate: z.object({ phoneNumberId: z.string(), waId: z.string().optional(), previousUserId: z.string(), userId: z.string() }),
  autoStatuses: z.union([z.literal(false), z.object({ read: z.boolean().optional(), delayMs: z.number().int().nonnegative().optional() })]),
};

export async function handleControl(sim: MetaSimulator, method: string, url: URL, raw: Buffer, res: ServerResponse): Promise<void> {
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  let input: unknown = undefined;
  try {
    input = raw.length ? JSON.parse(raw.toString('utf8')) : {};
  } catch {
    send(res, 400, { error: { message: 'Body must be JSON' } });
    return;
  }
  try {
    const phoneRoute = /^POST \/__simulator\/phone-numbers\/([^/]+)$/.exec(route);
    if (phoneRoute) {
      const patch = schemas.phonePatch.parse(input);
      send(res, 200, { phoneNumber: sim.setPhoneNumber(decodeURIComponent(phoneRoute[1] as string), patch) });
      return;
    }
    switch (route) {
      case 'GET /__simulator/state':
        send(res, 200, stateView(sim));
        return;
      case 'POST /__simulator/scenario':
        sim.replaceScenario(input as Parameters<MetaSimulator['replaceScenario']>[0]);
        send(res, 200, { ok: true });
        return;
      case 'POST /__simulator/reset':
        sim.reset();
        send(res, 200, { ok: true });
        return;
      case 'POST /__simulator/faults': {
        const specs = Array.isArray(input) ? input : [input];
        send(res, 200, { ids: specs.map((f) => sim.injectFault(faultFromJson(f))) });
        return;
      }
      case 'DELETE /__simulator/faults':
        sim.clearFaults();
        send(res, 200, { ok: true });
        return;
      case 'GET /__simulator/sent-messages':
        send(res, 200, { data: sim.sentMessages(), rejected: sim.rejectedSends(), reads: sim.readReceipts() });
        return;
      case 'POST /__simulator/auto-statuses':
        sim.autoStatuses = schemas.autoStatuses.parse(input);
        send(res, 200, { autoStatuses: sim.autoStatuses });
        return;
      case 'POST /__simulator/webhook/configure':
        send(res, 200, await sim.configureWebhook(schemas.webhook.parse(input)));
        return;
      case 'POST /__simulator/webhook/inbound-text': {
        const r = await sim.sendInboundText(schemas.inboundText.parse(input));
        send(res, 200, { wamid: r.wamid, delivery: delivery(r.delivery) });
        return;
      }
      case 'POST /__simulator/webhook/inbound-button': {
        const r = await sim.sendInboundButton(schemas.inboundButton.parse(input));
        send(res, 200, { wamid: r.wamid, delivery: delivery(r.delivery) });
        return;
      }
      case 'POST /__simulator/webhook/inbound-interactive': {
        const r = await sim.sendInboundInteractiveReply(schemas.inboundInteractive.parse(input));
        send(res, 200, { wamid: r.wamid, delivery: delivery(r.delivery) });
        return;
      }
      case 'POST /__simulator/webhook/statuses': {
        const { wamid, statuses, ...opts } = schemas.statuses.parse(input);
        send(res, 200, { deliveries: (await sim.emitStatusesFor(wamid, statuses, opts)).map(delivery) });
        return;
      }
      case 'POST /__simulator/webhook/quality-update': {
        const { phoneNumberId, ...u } = schemas.quality.parse(input);
        send(res, 200, { delivery: delivery(await sim.emitQualityUpdate(phoneNumberId, u)) });
        return;
      }
      case 'POST /__simulator/webhook/user-preference': {
        const p = schemas.preference.parse(input);
        send(res, 200, { delivery: delivery(await sim.emitUserPreference(p.phoneNumberId, p.contact, p.value)) });
        return;
      }
      case 'POST /__simulator/webhook/account-update': {
        const { wabaId, ...u } = schemas.accountUpdate.parse(input);
        send(res, 200, { delivery: delivery(await sim.shapes.accountUpdate(wabaId, u)) });
        return;
      }
      case 'POST /__simulator/webhook/inbound': {
        const { phoneNumberId, from, ...shape } = schemas.inbound.parse(input);
        const r = await sim.shapes.inbound(phoneNumberId, from, shape);
        send(res, 200, { wamid: r.wamid, delivery: delivery(r.delivery) });
        return;
      }
      case 'POST /__simulator/webhook/template-status':
        send(res, 200, { delivery: delivery(await sim.emitTemplateStatus(schemas.templateStatus.parse(input))) });
        return;
      case 'POST /__simulator/webhook/template-category':
        send(res, 200, { delivery: delivery(await sim.emitTemplateCategory(schemas.templateCategory.parse(input))) });
        return;
      case 'POST /__simulator/webhook/system': {
        const { phoneNumberId, ...n } = schemas.system.parse(input);
        send(res, 200, { delivery: delivery(await sim.shapes.system(phoneNumberId, n)) });
        return;
      }
      case 'POST /__simulator/webhook/user-id-update': {
        const { phoneNumberId, ...u } = schemas.userIdUpdate.parse(input);
        send(res, 200, { delivery: delivery(await sim.shapes.userIdUpdate(phoneNumberId, u)) });
        return;
      }
      default:
        send(res, 404, { error: { message: `No simulator control route ${route}` } });
    }
  } catch (err) {
    const message =
      err instanceof z.ZodError
        ? err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')
        : err instanceof Error
          ? err.message
          : String(err);
    send(res, 400, { error: { message } });
  }
}
