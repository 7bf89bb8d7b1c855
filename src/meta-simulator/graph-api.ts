// Graph management endpoints of the simulator: debug_token, business WABA
// edges, WABA, phone numbers, subscribed_apps and message_templates, with
// Meta's field selection, cursor pagination and permission errors.
import { errors, type GraphReply } from './graph-errors.js';
import type { ScenarioPhoneNumber, ScenarioToken, ScenarioWaba } from './scenario.js';
import type { MetaSimulator } from './simulator.js';

export interface GraphCtx {
  method: string;
  pathname: string;
  /** Path segments after the version. */
  segments: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
  token: ScenarioToken;
  tokenValue: string;
  /** `http://host:port` as the caller reached us, for `paging.next`. */
  origin: string;
}

const ok = (body: unknown): GraphReply => ({ status: 200, body });

/** Top-level names of a `fields` parameter; nested selections (`a{b,c}`) are accepted and answered whole. */
export function parseFields(param: string | null): string[] | null {
  if (param === null || param.trim() === '') return null;
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of param) {
    if (ch === '{') depth++;
    else if (ch === '}') depth--;
    else if (ch === ',' && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
      continue;
    }
    if (depth === 0 && ch !== '}') current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out.map((f) => f.replace(/\..*$/, ''));
}

/** A `fields` entry the node does not have; carries Meta's error reply. */
class FieldError {
  constructor(readonly reply: GraphReply) {}
}

function select(
  nodeType: string,
  all: Record<string, unknown>,
  requested: string[] | null,
  defaults: string[],
): Record<string, unknown> | FieldError {
  const names = requested ?? defaults;
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (!(name in all)) return new FieldError(errors.nonexistingField(name, nodeType));
    if (all[name] !== undefined) out[name] = all[name];
  }
  if (!('id' in out) && 'id' in all) out.id = all.id;
  return out;
}

export function hasScope(token: ScenarioToken, scope: string, targetId?: string): boolean {
  if (!token.scopes.includes(scope)) return false;
  if (targetId === undefined) return true;
  const g = token.granularScopes.find((x) => x.scope === scope);
  return !g?.targetIds || g.targetIds.length === 0 || g.targetIds.includes(targetId);
}

export function seesWaba(sim: MetaSimulator, token: ScenarioToken, waba: ScenarioWaba): boolean {
  if (token.businessId === waba.ownerBusinessId) return true;
  return sim.findBusiness(token.businessId)?.clientWabaIds.includes(waba.id) ?? false;
}

/** null when the token may manage the WABA, otherwise Meta's error. */
export function checkManage(sim: MetaSimulator, ctx: GraphCtx, waba: ScenarioWaba, id: string): GraphReply | null {
  if (!seesWaba(sim, ctx.token, waba)) return errors.objectNotFound(id, ctx.method);
  if (!hasScope(ctx.token, 'whatsapp_business_management', waba.id)) return errors.managementPermission();
  return null;
}

const CURSOR_PREFIX = 'sim:';
const encodeCursor = (i: number): string => Buffer.from(`${CURSOR_PREFIX}${i}`).toString('base64url');
function decodeCursor(c: string): number | null {
  const s = Buffer.from(c, 'base64url').toString('utf8');
  if (!s.startsWith(CURSOR_PREFIX)) return null;
  const n = Number(s.slice(CURSOR_PREFIX.length));
  return Number.isInteger(n) && n >= 0 ? n : null;
}

/** Meta-style cursor page, `paging.next` absolute and carrying access_token as Meta's does. */
export function paginate(sim: MetaSimulator, ctx: GraphCtx, items: Record<string, unknown>[]): GraphReply {
  const settings = sim.scenario.settings;
  const rawLimit = Number(ctx.query.get('limit') ?? settings.defaultPageSize);
  const limit = Math.min(
    Math.max(Number.isFinite(rawLimit) && rawLimit > 0 ? Math.floor(rawLimit) : settings.defaultPageSize, 1),
    settings.maxPageSize,
  );
  let start = 0;
  const after = ctx.query.get('after');
  const before = ctx.query.get('before');
  if (after !== null) {
    const i = decodeCursor(after);
    if (i === null) return errors.invalidParameter('Invalid cursor', '(#100) The after cursor is not valid');
    start = i + 1;
  } else if (before !== null) {
    const i = decodeCursor(before);
    if (i === null) return errors.invalidParameter('Invalid cursor', '(#100) The before cursor is not valid');
    start = Math.max(0, i - limit);
  }
  const page = items.slice(start, start + limit);
  const body: Record<string, unknown> = { data: page };
  if (page.length > 0) {
    const paging: Record<string, unknown> = { cursors: { before: encodeCursor(start), after: encodeCursor(start + page.length - 1) } };
    const link = (cursorName: 'after' | 'before', cursor: string): string => {
      const params = new URLSearchParams();
      params.set('access_token', ctx.tokenValue);
      for (const [k, v] of ctx.query) if (!['after', 'before', 'access_token', 'limit'].includes(k)) params.set(k, v);
      params.set('limit', String(limit));
      params.set(cursorName, cursor);
      return `${ctx.origin}${ctx.pathname}?${params.toString()}`;
    };
    if (start + page.length < items.length) paging.next = link('after', encodeCursor(start + page.length - 1));
    if (start > 0) paging.previous = link('before', encodeCursor(start));
    body.paging = paging;
  }
  return ok(body);
}

export function phoneJson(p: ScenarioPhoneNumber, waba: ScenarioWaba, callbackUrl: string | null): Record<string, unknown> {
  const blocked = p.status.toUpperCase() !== 'CONNECTED';
  const can = blocked ? 'BLOCKED' : p.canSendMessage;
  const phoneEntity: Record<string, unknown> = { entity_type: 'PHONE_NUMBER', id: p.id, can_send_message: can };
  if (can !== 'AVAILABLE') {
    phoneEntity.errors = [
      blocked
        ? {
            error_code: 141000,
            error_description: `The phone number status is ${p.status}.`,
            possible_solution: 'Register the phone number and make sure it is connected.',
          }
        : {
            error_code: 141006,
            error_description: 'Message sending is limited for this phone number because of its quality rating.',
            possible_solution: 'Improve message quality; see WhatsApp Manager for details.',
          },
    ];
  }
  return {
    id: p.id,
    display_phone_number: p.displayPhoneNumber,
    verified_name: p.verifiedName,
    quality_rating: p.qualityRating,
    quality_score: { score: p.qualityRating },
    throughput: { level: p.throughputLevel },
    name_status: p.nameStatus,
    status: p.status,
    code_verification_status: p.codeVerificationStatus,
    platform_type: p.platformType,
    account_mode: p.accountMode,
    whatsapp_business_manager_messaging_limit: p.messagingLimitTier,
    messaging_limit_tier: p.messagingLimitTier,
    health_status: {
      can_send_message: can,
      entities: [
        phoneEntity,
        { entity_type: 'WABA', id: waba.id, can_send_message: 'AVAILABLE' },
        { entity_type: 'BUSINESS', id: waba.ownerBusinessId, can_send_message: 'AVAILABLE' },
      ],
    },
    is_official_business_account: false,
    is_on_biz_app: false,
    last_onboarded_time: '2025-01-15T10:00:00+0000',
    webhook_configuration: callbackUrl ? { application: callbackUrl } : undefined,
  };
}

function wabaJson(sim: MetaSimulator, waba: ScenarioWaba, viewer: ScenarioToken): Record<string, unknown> {
  const owner = sim.findBusiness(waba.ownerBusinessId);
  return {
    id: waba.id,
    name: waba.name,
    currency: waba.currency,
    timezone_id: waba.timezoneId,
    message_template_namespace: waba.messageTemplateNamespace,
    account_review_status: waba.accountReviewStatus,
    business_verification_status: waba.businessVerificationStatus,
    country: waba.country,
    primary_business_location: waba.country,
    ownership_type: viewer.businessId === waba.ownerBusinessId ? 'SELF_OWNED' : 'CLIENT_OWNED',
    owner_business_info: owner ? { id: owner.id, name: owner.name } : undefined,
    is_enabled_for_insights: false,
  };
}

const WABA_DEFAULT = ['id', 'name'];
const PHONE_DEFAULT = ['id', 'display_phone_number', 'verified_name', 'quality_rating'];
const TEMPLATE_DEFAULT = ['name', 'components', 'language', 'status', 'category', 'id'];

function templateJson(t: ScenarioWaba['templates'][number]): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: t.name,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
    parameter_format: t.parameterFormat ?? undefined,
    previous_category: t.previousCategory ?? undefined,
  };
  return json;
}

function debugToken(sim: MetaSimulator, ctx: GraphCtx): GraphReply {
  const input = ctx.query.get('input_token');
  if (!input) return errors.invalidParameter('input_token is required', '(#100) The parameter input_token is required');
  const t = sim.findToken(input);
  if (!t) {
    return ok({
      data: { is_valid: false, error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, scopes: [] },
    });
  }
  const app = sim.scenario.apps.find((a) => a.id === t.appId);
  const expired = sim.tokenExpired(t);
  const data: Record<string, unknown> = {
    app_id: t.appId,
    type: t.type,
    application: app?.name ?? '',
    data_access_expires_at: t.dataAccessExpiresAt,
    expires_at: t.expiresAt,
    is_valid: !expired,
    scopes: t.scopes,
    granular_scopes: t.granularScopes.map((g) => (g.targetIds ? { scope: g.scope, target_ids: g.targetIds } : { scope: g.scope })),
  };
  if (t.userId) data.user_id = t.userId;
  if (expired) data.error = { code: 190, message: 'Error validating access token: Session has expired', subcode: 463 };
  return ok({ data });
}

function businessEdge(sim: MetaSimulator, ctx: GraphCtx, id: string, edge: string): GraphReply {
  const business = sim.findBusiness(id);
  if (!business) {
    const waba = sim.findWaba(id);
    if (waba)
      return seesWaba(sim, ctx.token, waba)
        ? errors.nonexistingField(edge, 'WhatsAppBusinessAccount')
        : errors.objectNotFound(id, ctx.method);
    const phone = sim.findPhone(id);
    if (phone)
      return seesWaba(sim, ctx.token, phone.waba)
        ? errors.nonexistingField(edge, 'WhatsAppBusinessPhoneNumber')
        : errors.objectNotFound(id, ctx.method);
    return errors.objectNotFound(id, ctx.method);
  }
  if (ctx.method !== 'GET') return errors.objectNotFound(id, ctx.method);
  if (ctx.token.businessId !== business.id) return errors.businessPermission();
  if (!hasScope(ctx.token, 'business_management') && !hasScope(ctx.token, 'whatsapp_business_management'))
    return errors.businessPermission();
  const wabas =
    edge === 'owned_whatsapp_business_accounts'
      ? sim.scenario.wabas.filter((w) => w.ownerBusinessId === business.id)
      : business.clientWabaIds.map((wid) => sim.findWaba(wid)).filter((w): w is ScenarioWaba => w !== undefined);
  const fields = parseFields(ctx.query.get('fields'));
  const items: Record<string, unknown>[] = [];
  for (const w of wabas) {
    const r = select('WhatsAppBusinessAccount', wabaJson(sim, w, ctx.token), fields, WABA_DEFAULT);
    if (r instanceof FieldError) return r.reply;
    items.push(r);
  }
  return paginate(sim, ctx, items);
}

function wabaRoute(sim: MetaSimulator, ctx: GraphCtx, waba: ScenarioWaba, edge: string | undefined): GraphReply {
  const denied = checkManage(sim, ctx, waba, waba.id);
  if (denied) return denied;
  const fields = parseFields(ctx.query.get('fields'));
  if (edge === undefined) {
    if (ctx.method !== 'GET') return errors.objectNotFound(waba.id, ctx.method);
    const r = select('WhatsAppBusinessAccount', wabaJson(sim, waba, ctx.token), fields, WABA_DEFAULT);
    return r instanceof FieldError ? r.reply : ok(r);
  }
  if (edge === 'phone_numbers' && ctx.method === 'GET') {
    const items: Record<string, unknown>[] = [];
    for (const p of waba.phoneNumbers) {
      const r = select('WhatsAppBusinessPhoneNumber', phoneJson(p, waba, sim.webhookCallbackUrl()), fields, PHONE_DEFAULT);
      if (r instanceof FieldError) return r.reply;
      items.push(r);
    }
    return paginate(sim, ctx, items);
  }
  if (edge === 'message_templates' && ctx.method === 'GET') {
    const name = ctx.query.get('name');
    const items: Record<string, unknown>[] = [];
    for (const t of waba.templates.filter((x) => name === null || x.name === name)) {
      const r = select('WhatsAppMessageTemplate', templateJson(t), fields, TEMPLATE_DEFAULT);
      if (r instanceof FieldError) return r.reply;
      items.push(r);
    }
    return paginate(sim, ctx, items);
  }
  if (edge === 'subscribed_apps') return subscribedApps(sim, ctx, waba);
  return errors.nonexistingField(edge, 'WhatsAppBusinessAccount');
}

function subscribedApps(sim: MetaSimulator, ctx: GraphCtx, waba: ScenarioWaba): GraphReply {
  const appId = ctx.token.appId;
  if (ctx.method === 'GET') {
    return ok({
      data: waba.subscribedAppIds.map((id) => {
        const app = sim.scenario.apps.find((a) => a.id === id);
        const item: Record<string, unknown> = {
          whatsapp_business_api_data: { id, link: `https://www.facebook.com/games/?app_id=${id}`, name: app?.name ?? id },
        };
        const override = sim.subscriptionOverride(waba.id, id);
        if (override) item.override_callback_uri = override;
        return item;
      }),
    });
  }
  if (ctx.method === 'POST') {
    const uri = ctx.body.override_callback_uri;
    if (uri !== undefined && (typeof uri !== 'string' || uri.length > 200))
      return errors.invalidParameter('override_callback_uri must be a URL of at most 200 characters');
    if (typeof uri === 'string' && uri !== '' && typeof ctx.body.verify_token !== 'string')
      return errors.invalidParameter('verify_token is required with override_callback_uri');
    sim.subscribeApp(waba.id, appId, typeof uri === 'string' && uri !== '' ? uri : null);
    return ok({ success: true });
  }
  if (ctx.method === 'DELETE') {
    sim.unsubscribeApp(waba.id, appId);
    return ok({ success: true });
  }
  return errors.objectNotFound(waba.id, ctx.method);
}

function phoneRoute(
  sim: MetaSimulator,
  ctx: GraphCtx,
  found: { phone: ScenarioPhoneNumber; waba: ScenarioWaba },
  edge: string | undefined,
): GraphReply {
  const { phone, waba } = found;
  if (!seesWaba(sim, ctx.token, waba)) return errors.objectNotFound(phone.id, ctx.method);
  if (edge === undefined && ctx.method === 'GET') {
    if (!hasScope(ctx.token, 'whatsapp_business_management', waba.id)) return errors.managementPermission();
    const r = select(
      'WhatsAppBusinessPhoneNumber',
      phoneJson(phone, waba, sim.webhookCallbackUrl()),
      parseFields(ctx.query.get('fields')),
      PHONE_DEFAULT,
    );
    return r instanceof FieldError ? r.reply : ok(r);
  }
  if (edge === undefined) return errors.objectNotFound(phone.id, ctx.method);
  return errors.nonexistingField(edge, 'WhatsAppBusinessPhoneNumber');
}

/** Every Graph route except POST /{phone}/messages (send-api.ts). */
export function routeGraph(sim: MetaSimulator, ctx: GraphCtx): GraphReply {
  const [id, edge, ...rest] = ctx.segments;
  if (!id || rest.length > 0) return errors.unknownPath();
  if (id === 'debug_token' && edge === undefined && ctx.method === 'GET') return debugToken(sim, ctx);
  if (edge === 'owned_whatsapp_business_accounts' || edge === 'client_whatsapp_business_accounts') return businessEdge(sim, ctx, id, edge);
  const waba = sim.findWaba(id);
  if (waba) return wabaRoute(sim, ctx, waba, edge);
  const phone = sim.findPhone(id);
  if (phone) return phoneRoute(sim, ctx, phone, edge);
  const business = sim.findBusiness(id);
  if (business && edge === undefined && ctx.method === 'GET') {
    if (ctx.token.businessId !== business.id) return errors.objectNotFound(id, ctx.method);
    const r = select(
      'Business',
      { id: business.id, name: business.name, verification_status: 'verified' },
      parseFields(ctx.query.get('fields')),
      ['id', 'name'],
    );
    return r instanceof FieldError ? r.reply : ok(r);
  }
  if (business && edge !== undefined) return errors.nonexistingField(edge, 'Business');
  return errors.objectNotFound(id, ctx.method);
}
