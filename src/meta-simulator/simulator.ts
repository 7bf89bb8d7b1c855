// The simulator's state and TypeScript API. HTTP plumbing is in
// http-handler.ts, routes in graph-api.ts / send-api.ts, the control API in
// control-api.ts.
import type { MetaLogger } from '../meta/types.js';
import { defaultScenario } from './default-scenario.js';
import { FaultTable, type FaultSpec } from './faults.js';
import { errors, type GraphReply } from './graph-errors.js';
import {
  parseScenario,
  resolveTokenExpiries,
  type Scenario,
  type ScenarioInput,
  type ScenarioPhoneNumber,
  type ScenarioToken,
  type ScenarioWaba,
} from './scenario.js';
import { emitTemplateCategory, emitTemplateStatus, type TemplateCategoryEvent, type TemplateStatusEvent } from './template-events.js';
import { PairRateLimiter, SlidingWindowLimiter } from './throughput.js';
import { WebhookShapes } from './webhook-shapes.js';
import { WebhookEmitter, type DeliveryResult, type HandshakeResult, type WebhookConfigInput } from './webhook-emitter.js';
import {
  emitQualityUpdate,
  emitStatusesFor,
  emitUserPreference,
  sendInboundButton,
  sendInboundInteractiveReply,
  sendInboundText,
  type EmitStatusesOptions,
  type InboundResult,
} from './webhook-actions.js';
import { newWamid, type ContactRef, type NumberRef, type WebhookPayloadJson } from './webhook-payloads.js';
import { SimulatorRecords, type ReadReceipt, type RejectedSend, type SentFilter, type SentMessage } from './records.js';

export interface AutoStatusOptions {
  /** Also emit `read` after `delivered` (default false). */
  read?: boolean;
  /** Pause before each status, ms (default 0). */
  delayMs?: number;
}

export interface MetaSimulatorOptions {
  scenario?: Scenario | ScenarioInput;
  logger?: MetaLogger;
  /** Clock in ms (tests drive time for the service window and the pair rate limit). */
  now?: () => number;
  /** Emit sent/delivered(/read) to the configured webhook for every accepted send. */
  autoStatuses?: AutoStatusOptions | false;
}

export type PhoneNumberPatch = Partial<
  Pick<
    ScenarioPhoneNumber,
    | 'qualityRating'
    | 'throughputLevel'
    | 'messagingLimitTier'
    | 'canSendMessage'
    | 'status'
    | 'nameStatus'
    | 'mpsOverride'
    | 'verifiedName'
    | 'codeVerificationStatus'
  >
>;

export class MetaSimulator {
  readonly now: () => number;
  readonly logger: MetaLogger | undefined;
  readonly throughput = new SlidingWindowLimiter();
  readonly pairLimiter = new PairRateLimiter();
  readonly faults = new FaultTable();
  readonly webhook: WebhookEmitter;
  /** account_update, every inbound type, groups, system/revoke/edit notices, user_id_update. */
  readonly shapes = new WebhookShapes(this);
  autoStatuses: AutoStatusOptions | false;

  private initial: Scenario;
  private world!: Scenario;
  private wabas = new Map<string, ScenarioWaba>();
  private phones = new Map<string, { phone: ScenarioPhoneNumber; waba: ScenarioWaba }>();
  private tokens = new Map<string, ScenarioToken>();
  private readonly records = new SimulatorRecords();
  private windows = new Map<string, number>();
  private overrides = new Map<string, string>();
  private inflight = new Set<Promise<unknown>>();

  constructor(opts: MetaSimulatorOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
    this.autoStatuses = opts.autoStatuses ?? false;
    this.initial = resolveTokenExpiries(opts.scenario ? parseScenario(opts.scenario) : defaultScenario(), this.now());
    this.webhook = new WebhookEmitter(() => this.world.apps[0]?.secret ?? '');
    this.load(this.initial);
  }

  // ---- world -------------------------------------------------------------

  get scenario(): Scenario {
    return this.world;
  }

  private load(s: Scenario): void {
    this.world = structuredClone(s);
    this.wabas.clear();
    this.phones.clear();
    this.tokens.clear();
    for (const w of this.world.wabas) {
      this.wabas.set(w.id, w);
      for (const p of w.phoneNumbers) this.phones.set(p.id, { phone: p, waba: w });
    }
    for (const t of this.world.tokens) this.tokens.set(t.value, t);
    this.throughput.clear();
    this.pairLimiter.clear();
    this.windows.clear();
    this.overrides.clear();
  }

  /** Replaces the world (validated); records and faults are cleared, the webhook stays. */
  replaceScenario(input: Scenario | ScenarioInput): void {
    this.initial = resolveTokenExpiries(parseScenario(input), this.now());
    this.load(this.initial);
    this.clearRecords();
    this.faults.clear();
  }

  /** Back to the scenario the simulator started with (or was last given); clears everything including the webhook. */
  reset(): void {
    this.load(this.initial);
    this.clearRecords();
    this.faults.clear();
    this.webhook.reset();
  }

  findWaba(id: string): ScenarioWaba | undefined {
    return this.wabas.get(id);
  }

  findPhone(id: string): { phone: ScenarioPhoneNumber; waba: ScenarioWaba } | undefined {
    return this.phones.get(id);
  }

  findBusiness(id: string): Scenario['businesses'][number] | undefined {
    return this.world.businesses.find((b) => b.id === id);
  }

  findToken(value: string): ScenarioToken | undefined {
    return this.tokens.get(value);
  }

  /** Meta's app access token `{app-id}|{app-secret}`: good for debug_token, sees no business objects. */
  private appToken(value: string): ScenarioToken | undefined {
    const app = this.world.apps.find((a) => value === `${a.id}|${a.secret}`);
    if (!app) return undefined;
    return {
      value,
      type: 'APP',
      appId: app.id,
      businessId: '',
      userId: null,
      expiresAt: 0,
      expiresInSeconds: null,
      dataAccessExpiresAt: 0,
      isValid: true,
      scopes: [],
      granularScopes: [],
      temporary: false,
      note: 'app access token',
    };
  }

  tokenExpired(t: ScenarioToken): boolean {
    return !t.isValid || (t.expiresAt !== 0 && t.expiresAt * 1000 <= this.now());
  }

  /** The token behind a request, or Meta's 190 answer. */
  authenticate(value: string | null): ScenarioToken | GraphReply {
    if (!value) return errors.noToken();
    const t = this.tokens.get(value) ?? this.appToken(value);
    if (!t) return errors.badToken();
    if (this.tokenExpired(t)) {
      const at = t.expiresAt > 0 ? new Date(t.expiresAt * 1000) : new Date(this.now() - 3_600_000);
      return errors.expiredToken(at, new Date(this.now()));
    }
    return t;
  }

  setPhoneNumber(id: string, patch: PhoneNumberPatch): ScenarioPhoneNumber {
    const found = this.phones.get(id);
    if (!found) throw new Error(`Unknown phone number id ${id}`);
    for (const [k, v] of Object.entries(patch)) {
      if (v !== undefined) (found.phone as Record<string, unknown>)[k] = v;
    }
    return found.phone;
  }

  numberRef(phoneNumberId: string): NumberRef {
    const found = this.phones.get(phoneNumberId);
    if (!found) throw new Error(`Unknown phone number id ${phoneNumberId}`);
    return { wabaId: found.waba.id, phoneNumberId, displayPhoneNumber: found.phone.displayPhoneNumber };
  }

  subscribeApp(wabaId: string, appId: string, overrideUri: string | null): void {
    const w = this.wabas.get(wabaId);
    if (!w) return;
    if (!w.subscribedAppIds.includes(appId)) w.subscribedAppIds.push(appId);
    if (overrideUri) this.overrides.set(`${wabaId}|${appId}`, overrideUri);
    else this.overrides.delete(`${wabaId}|${appId}`);
  }

  unsubscribeApp(wabaId: string, appId: string): void {
    const w = this.wabas.get(wabaId);
    if (w) w.subscribedAppIds = w.subscribedAppIds.filter((a) => a !== appId);
    this.overrides.delete(`${wabaId}|${appId}`);
  }

  subscriptionOverride(wabaId: string, appId: string): string | null {
    return this.overrides.get(`${wabaId}|${appId}`) ?? null;
  }

  webhookCallbackUrl(): string | null {
    return this.webhook.current?.callbackUrl ?? null;
  }

  // ---- customer-service window -------------------------------------------

  /** Opens (or refreshes) the 24 h window as an inbound message from this user would. */
  openServiceWindow(phoneNumberId: string, user: string | ContactRef, at: number = this.now()): void {
    const keys = typeof user === 'string' ? [user] : [user.waId, user.userId];
    for (const k of keys) if (k) this.windows.set(`${phoneNumberId}|${k.replace(/[\s()+-]/g, '')}`, at);
  }

  windowOpen(phoneNumberId: string, recipientKey: string, now: number): boolean {
    const last = this.windows.get(`${phoneNumberId}|${recipientKey}`);
    return last !== undefined && now - last < this.world.settings.serviceWindowHours * 3_600_000;
  }

  // ---- records -----------------------------------------------------------

  recordSent(m: Omit<SentMessage, 'wamid' | 'at'>): SentMessage {
    const sent: SentMessage = { ...m, wamid: newWamid(), at: new Date(this.now()) };
    this.records.addSent(sent);
    this.logger?.debug({ wamid: sent.wamid, phoneNumberId: sent.phoneNumberId, type: sent.type }, 'simulator accepted a send');
    if (this.autoStatuses) this.scheduleAutoStatuses(sent, this.autoStatuses);
    return sent;
  }

  recordRejected(r: RejectedSend): void {
    this.records.addRejected(r);
  }

  recordRead(r: ReadReceipt): void {
    this.records.addRead(r);
  }

  sentMessages(filter: SentFilter = {}): SentMessage[] {
    return this.records.sentMessages(filter);
  }

  rejectedSends(): RejectedSend[] {
    return this.records.rejectedSends();
  }

  readReceipts(): ReadReceipt[] {
    return this.records.readReceipts();
  }

  findSent(wamid: string): SentMessage | undefined {
    return this.records.findSent(wamid);
  }

  recordCounts(): ReturnType<SimulatorRecords['counts']> {
    return this.records.counts();
  }

  clearRecords(): void {
    this.records.clear();
  }

  // ---- faults ------------------------------------------------------------

  injectFault(spec: FaultSpec): number {
    return this.faults.add(spec).id;
  }

  clearFaults(): void {
    this.faults.clear();
  }

  // ---- webhooks ----------------------------------------------------------

  configureWebhook(input: WebhookConfigInput): Promise<HandshakeResult> {
    return this.webhook.configure(input);
  }

  /** A user writes to a business number: opens the service window and POSTs the notification. */
  sendInboundText(input: Parameters<typeof sendInboundText>[1]): Promise<InboundResult> {
    return sendInboundText(this, input);
  }

  /** A user taps a template quick-reply button (`type: "button"`). */
  sendInboundButton(input: Parameters<typeof sendInboundButton>[1]): Promise<InboundResult> {
    return sendInboundButton(this, input);
  }

  /** A user taps an interactive reply button (or list row). */
  sendInboundInteractiveReply(input: Parameters<typeof sendInboundInteractiveReply>[1]): Promise<InboundResult> {
    return sendInboundInteractiveReply(this, input);
  }

  /** Status notifications for a recorded send, one POST each. */
  emitStatusesFor(wamid: string, statuses: string[], opts?: EmitStatusesOptions): Promise<DeliveryResult[]> {
    return emitStatusesFor(this, wamid, statuses, opts);
  }

  emitQualityUpdate(phoneNumberId: string, update: Parameters<typeof emitQualityUpdate>[2]): Promise<DeliveryResult> {
    return emitQualityUpdate(this, phoneNumberId, update);
  }

  emitUserPreference(phoneNumberId: string, contact: ContactRef, value: 'stop' | 'resume' | string): Promise<DeliveryResult> {
    return emitUserPreference(this, phoneNumberId, contact, value);
  }

  /** Meta changes a template's status (PAUSED, REJECTED, APPROVED …): applied, then announced by webhook. */
  emitTemplateStatus(e: TemplateStatusEvent): Promise<DeliveryResult> {
    return emitTemplateStatus(this, e);
  }

  /** Meta re-categorises a template (or announces it will): applied, then announced by webhook. */
  emitTemplateCategory(e: TemplateCategoryEvent): Promise<DeliveryResult> {
    return emitTemplateCategory(this, e);
  }

  /** POSTs any payload (e.g. a batchPayload(...)) to the configured webhook. */
  emitPayload(payload: WebhookPayloadJson): Promise<DeliveryResult> {
    return this.webhook.deliver(payload);
  }

  /** Keeps a background delivery visible to idle(). */
  track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  /** Resolves when every background delivery (autoStatuses) has finished. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private scheduleAutoStatuses(sent: SentMessage, opts: AutoStatusOptions): void {
    const statuses = opts.read ? ['sent', 'delivered', 'read'] : ['sent', 'delivered'];
    const run = async (): Promise<void> => {
      // Let the HTTP answer reach the sender first, as Meta's webhooks trail its API.
      await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
      if (!this.webhook.current?.verified) return;
      for (const s of statuses) {
        await emitStatusesFor(this, sent.wamid, [s]);
        if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      }
    };
    void this.track(
      run().catch((err: unknown) =>
        this.logger?.warn({ wamid: sent.wamid, error: err instanceof Error ? err.message : String(err) }, 'simulator auto status failed'),
      ),
    );
  }

  async close(): Promise<void> {
    await this.idle();
    await this.webhook.close();
  }
}

export type { DeliveryResult, HandshakeResult, WebhookConfigInput };
