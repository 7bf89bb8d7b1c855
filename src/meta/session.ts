// Typed Graph API methods for one token. Created by MetaClient.session().
import { z, ZodError, type ZodType } from 'zod';
import type { GraphRequest, MetaClient } from './client.js';
import { MetaSendOutcomeUnknownError, MetaUnexpectedResponseError } from './errors.js';
import {
  pageSchema,
  successSchema,
  toPhoneNumber,
  toSendResult,
  toSubscribedApp,
  toTemplate,
  toTokenInfo,
  toWaba,
  type GraphPage,
} from './graph-responses.js';
import type { SendMessageBody } from './message-builders.js';
import type {
  MetaBusinessWaba,
  MetaCallOptions,
  MetaCallTag,
  MetaHealthStatus,
  MetaPhoneNumber,
  MetaSendResult,
  MetaSubscribedApp,
  MetaTemplate,
  MetaTokenInfo,
  MetaWaba,
  WabaOwnership,
} from './types.js';

export const PHONE_NUMBER_FIELDS = [
  'id',
  'display_phone_number',
  'verified_name',
  'quality_rating',
  'throughput',
  'name_status',
  'status',
  'code_verification_status',
  'platform_type',
  'account_mode',
  'whatsapp_business_manager_messaging_limit',
  'health_status',
].join(',');

// Documented WABA fields (FACTS §5.2/5.3). owner_business_info is read only on
// the single-WABA call, as Chatwoot does; it is not documented for the lists.
export const WABA_LIST_FIELDS =
  'id,name,currency,timezone_id,message_template_namespace,account_review_status,business_verification_status,country,ownership_type';
export const WABA_FIELDS = `${WABA_LIST_FIELDS},owner_business_info{id,name}`;
export const TEMPLATE_FIELDS = 'id,name,language,status,category,previous_category,parameter_format,components';

const PAGE_LIMIT = '100';
const MAX_PAGES = 1000;

function seg(id: string, what: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) throw new TypeError(`Invalid ${what} "${id.slice(0, 40)}"`);
  return encodeURIComponent(id);
}

export class MetaSession {
  // A true private field: util.inspect / console.log of a session never shows the token.
  readonly #token: string;

  constructor(
    private readonly client: MetaClient,
    token: string,
    readonly tag: MetaCallTag,
  ) {
    this.#token = token;
  }

  private async call<T>(req: GraphRequest, schema: ZodType<unknown>, map: (data: unknown) => T, opts?: MetaCallOptions): Promise<T> {
    const res = await this.client.request(this.#token, this.tag, req, opts);
    try {
      return map(schema.parse(res.json));
    } catch (e) {
      const why = e instanceof ZodError ? z.prettifyError(e).replace(/\s+/g, ' ') : e instanceof Error ? e.message : String(e);
      const path = this.client.buildPath(req.path);
      if (req.kind === 'send') {
        throw new MetaSendOutcomeUnknownError({
          reason: 'unparseable_response',
          httpStatus: res.status,
          phoneNumberId: req.send?.phoneNumberId ?? '',
          bizOpaqueCallbackData: req.send?.bizOpaqueCallbackData ?? null,
          message: `Meta accepted the send (HTTP ${res.status}) but the answer had no usable message id: ${why}`,
        });
      }
      throw new MetaUnexpectedResponseError(`Unexpected Meta response on ${req.method} ${path}: ${why}`, res.status, path);
    }
  }

  /** Follows `paging.next` (same origin only, token stripped) or `cursors.after` until the last page. */
  private async paginate<T>(path: string, query: Record<string, string>, map: (item: unknown) => T, opts?: MetaCallOptions): Promise<T[]> {
    const out: T[] = [];
    let req: GraphRequest = { method: 'GET', path, query: { ...query, limit: PAGE_LIMIT }, kind: 'read' };
    const seen = new Set<string>();
    for (let page = 0; page < MAX_PAGES; page++) {
      const data: GraphPage = await this.call(req, pageSchema, (d) => d as GraphPage, opts);
      for (const item of data.data) out.push(map(item));
      const paging = data.paging;
      if (!paging?.next || data.data.length === 0) break;
      const nextPath = this.client.pathFromNextUrl(paging.next);
      const after = paging.cursors?.after;
      const key = nextPath ?? after ?? '';
      if (!key || seen.has(key)) break;
      seen.add(key);
      req = nextPath
        ? { method: 'GET', path: nextPath, absolutePath: true, kind: 'read' }
        : { method: 'GET', path, query: { ...query, limit: PAGE_LIMIT, after: after as string }, kind: 'read' };
    }
    return out;
  }

  /** Inspects this session's token (or `inputToken`) with debug_token. */
  debugToken(opts?: MetaCallOptions & { inputToken?: string }): Promise<MetaTokenInfo> {
    return this.call(
      { method: 'GET', path: 'debug_token', query: { input_token: opts?.inputToken ?? this.#token }, kind: 'read' },
      pageLike,
      toTokenInfo,
      opts,
    );
  }

  listBusinessWabas(businessId: string, ownership: WabaOwnership, opts?: MetaCallOptions): Promise<MetaWaba[]> {
    const edge = ownership === 'owned' ? 'owned_whatsapp_business_accounts' : 'client_whatsapp_business_accounts';
    return this.paginate(`${seg(businessId, 'business id')}/${edge}`, { fields: WABA_LIST_FIELDS }, toWaba, opts);
  }

  /** Owned and client WABAs of a business portfolio; a WABA listed in both counts as owned. */
  async listAllBusinessWabas(businessId: string, opts?: MetaCallOptions): Promise<MetaBusinessWaba[]> {
    const owned = await this.listBusinessWabas(businessId, 'owned', opts);
    const client = await this.listBusinessWabas(businessId, 'client', opts);
    const ids = new Set(owned.map((w) => w.id));
    return [
      ...owned.map((w): MetaBusinessWaba => ({ ...w, ownership: 'owned' })),
      ...client.filter((w) => !ids.has(w.id)).map((w): MetaBusinessWaba => ({ ...w, ownership: 'client' })),
    ];
  }

  getWaba(wabaId: string, opts?: MetaCallOptions): Promise<MetaWaba> {
    return this.call({ method: 'GET', path: seg(wabaId, 'WABA id'), query: { fields: WABA_FIELDS }, kind: 'read' }, pageLike, toWaba, opts);
  }

  listPhoneNumbers(wabaId: string, opts?: MetaCallOptions): Promise<MetaPhoneNumber[]> {
    return this.paginate(`${seg(wabaId, 'WABA id')}/phone_numbers`, { fields: PHONE_NUMBER_FIELDS }, toPhoneNumber, opts);
  }

  getPhoneNumber(phoneNumberId: string, opts?: MetaCallOptions): Promise<MetaPhoneNumber> {
    return this.call(
      { method: 'GET', path: seg(phoneNumberId, 'phone number id'), query: { fields: PHONE_NUMBER_FIELDS }, kind: 'read' },
      pageLike,
      toPhoneNumber,
      opts,
    );
  }

  async getHealthStatus(phoneNumberId: string, opts?: MetaCallOptions): Promise<MetaHealthStatus | null> {
    const phone = await this.call(
      { method: 'GET', path: seg(phoneNumberId, 'phone number id'), query: { fields: 'id,health_status' }, kind: 'read' },
      pageLike,
      toPhoneNumber,
      opts,
    );
    return phone.healthStatus;
  }

  getSubscribedApps(wabaId: string, opts?: MetaCallOptions): Promise<MetaSubscribedApp[]> {
    return this.paginate(`${seg(wabaId, 'WABA id')}/subscribed_apps`, {}, toSubscribedApp, opts);
  }

  /** Subscribes the token's app to the WABA's webhooks (optionally with an override callback). */
  subscribeApp(wabaId: string, override?: { callbackUri: string; verifyToken: string }, opts?: MetaCallOptions): Promise<boolean> {
    const body = override ? { override_callback_uri: override.callbackUri, verify_token: override.verifyToken } : undefined;
    return this.call(
      { method: 'POST', path: `${seg(wabaId, 'WABA id')}/subscribed_apps`, body, kind: 'idempotent' },
      successSchema,
      (d) => (d as { success: boolean }).success,
      opts,
    );
  }

  unsubscribeApp(wabaId: string, opts?: MetaCallOptions): Promise<boolean> {
    return this.call(
      { method: 'DELETE', path: `${seg(wabaId, 'WABA id')}/subscribed_apps`, kind: 'idempotent' },
      successSchema,
      (d) => (d as { success: boolean }).success,
      opts,
    );
  }

  listTemplates(wabaId: string, opts?: MetaCallOptions): Promise<MetaTemplate[]> {
    return this.paginate(`${seg(wabaId, 'WABA id')}/message_templates`, { fields: TEMPLATE_FIELDS }, toTemplate, opts);
  }

  /**
   * Sends one message. Retried only when Meta certainly refused it (throttling
   * answers, or no connection). A timeout after writing throws
   * MetaSendOutcomeUnknownError and is never repeated.
   */
  sendMessage(phoneNumberId: string, body: SendMessageBody, opts?: MetaCallOptions): Promise<MetaSendResult> {
    return this.call(
      {
        method: 'POST',
        path: `${seg(phoneNumberId, 'phone number id')}/messages`,
        body,
        kind: 'send',
        send: { phoneNumberId, bizOpaqueCallbackData: body.biz_opaque_callback_data ?? null },
      },
      pageLike,
      toSendResult,
      opts,
    );
  }

  /** Marks an inbound message (and earlier ones) as read. Idempotent, so retried like a GET. */
  markAsRead(phoneNumberId: string, wamid: string, opts?: MetaCallOptions & { typingIndicator?: boolean }): Promise<boolean> {
    const body: Record<string, unknown> = { messaging_product: 'whatsapp', status: 'read', message_id: wamid };
    if (opts?.typingIndicator) body.typing_indicator = { type: 'text' };
    return this.call(
      { method: 'POST', path: `${seg(phoneNumberId, 'phone number id')}/messages`, body, kind: 'idempotent' },
      successSchema,
      (d) => (d as { success: boolean }).success,
      opts,
    );
  }
}

// The mappers validate the shapes they need; this only insists on a JSON object.
const pageLike = z.record(z.string(), z.unknown());
