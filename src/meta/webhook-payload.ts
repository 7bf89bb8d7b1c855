// Parser for Meta's webhook notifications (FACTS §3). Tolerant: unknown
// fields and enum values are kept (raw) and ignored; one malformed change
// becomes { kind: 'invalid' } instead of failing the whole batch, because
// Meta batches up to 1000 updates and we must still acknowledge the rest.
import type { z } from 'zod';
import { str } from './graph-responses.js';
import type { errorSchema, contactSchema, metadataSchema, messageSchema, statusSchema } from './webhook-schemas.js';
import {
  messagesValueSchema,
  preferencesValueSchema,
  userIdUpdateValueSchema,
  qualityValueSchema,
  accountUpdateValueSchema,
  templateStatusValueSchema,
  templateCategoryValueSchema,
  envelopeSchema,
} from './webhook-schemas.js';
import type {
  InvalidChange,
  WebhookChange,
  WebhookContact,
  WebhookError,
  WebhookMessage,
  WebhookMetadata,
  WebhookParseResult,
  WebhookStatus,
} from './webhook-types.js';

export type * from './webhook-types.js';

function issuesOf(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

const toError = (e: z.infer<typeof errorSchema>): WebhookError => ({
  code: e.code === undefined ? null : Number.isFinite(Number(e.code)) ? Number(e.code) : null,
  title: e.title ?? null,
  message: e.message ?? null,
  details: e.error_data?.details ?? null,
  href: e.href ?? null,
});

const toContact = (c: z.infer<typeof contactSchema>): WebhookContact => ({
  waId: c.wa_id ?? null,
  userId: c.user_id ?? null,
  parentUserId: c.parent_user_id ?? null,
  name: c.profile?.name ?? null,
});

const toMetadata = (m: z.infer<typeof metadataSchema>): WebhookMetadata => ({
  displayPhoneNumber: m.display_phone_number,
  phoneNumberId: m.phone_number_id,
});

function caption(raw: Record<string, unknown>, type: string): string | null {
  const media = raw[type];
  return media && typeof media === 'object' ? str((media as Record<string, unknown>).caption) : null;
}

function toMessage(m: z.infer<typeof messageSchema>): WebhookMessage {
  const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
  const interactive = m.interactive
    ? {
        type: m.interactive.type,
        id: reply?.id ?? null,
        title: reply?.title ?? null,
        description: m.interactive.list_reply?.description ?? null,
      }
    : null;
  const text =
    m.type === 'text'
      ? (m.text?.body ?? null)
      : m.type === 'button'
        ? (m.button?.text ?? null)
        : m.type === 'interactive'
          ? (reply?.title ?? null)
          : caption(m, m.type);
  const edited = m.edit?.message;
  const editedText = edited
    ? (str((edited.text as { body?: unknown } | undefined)?.body) ?? caption(edited, String(edited.type ?? '')))
    : null;
  return {
    id: m.id,
    groupId: m.group_id ?? null,
    system: m.system
      ? {
          type: m.system.type ?? null,
          body: m.system.body ?? null,
          newWaId: m.system.wa_id ?? (m.system.new_wa_id !== undefined ? String(m.system.new_wa_id) : null),
          userId: m.system.user_id ?? null,
          previousUserId: m.system.previous_user_id ?? null,
        }
      : null,
    reference:
      m.revoke?.original_message_id || m.edit?.original_message_id
        ? { originalWamid: (m.revoke?.original_message_id ?? m.edit?.original_message_id)!, text: editedText }
        : null,
    from: m.from ?? null,
    fromUserId: m.from_user_id ?? null,
    timestamp: m.timestamp,
    type: m.type,
    text,
    button: m.button ? { payload: m.button.payload ?? null, text: m.button.text ?? null } : null,
    interactive,
    context: m.context
      ? {
          from: m.context.from ?? null,
          id: m.context.id ?? null,
          forwarded: m.context.forwarded === true,
          frequentlyForwarded: m.context.frequently_forwarded === true,
        }
      : null,
    errors: (m.errors ?? []).map(toError),
    raw: m,
  };
}

function toStatus(s: z.infer<typeof statusSchema>): WebhookStatus {
  return {
    id: s.id,
    status: s.status,
    timestamp: s.timestamp,
    recipientId: s.recipient_id ?? null,
    recipientUserId: s.recipient_user_id ?? null,
    errors: (s.errors ?? []).map(toError),
    bizOpaqueCallbackData: s.biz_opaque_callback_data ?? null,
    pricing: s.pricing
      ? {
          billable: s.pricing.billable ?? null,
          pricingModel: s.pricing.pricing_model ?? null,
          type: s.pricing.type ?? null,
          category: s.pricing.category ?? null,
        }
      : null,
    conversation: s.conversation ? { id: s.conversation.id ?? null, originType: s.conversation.origin?.type ?? null } : null,
    raw: s,
  };
}

function unixOrNull(v: number | string | undefined): Date | null {
  const n = Number(v);
  return v !== undefined && Number.isFinite(n) && n > 0 ? new Date(n * 1000) : null;
}

function parseChange(change: unknown): WebhookChange {
  if (!change || typeof change !== 'object' || typeof (change as { field?: unknown }).field !== 'string') {
    return { kind: 'invalid', field: '(missing)', issues: ['change has no string "field"'], raw: change };
  }
  const { field, value } = change as { field: string; value?: unknown };
  const invalid = (err: z.ZodError): InvalidChange => ({ kind: 'invalid', field, issues: issuesOf(err), raw: value });
  switch (field) {
    case 'messages': {
      const r = messagesValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'messages',
        field,
        metadata: toMetadata(v.metadata),
        contacts: (v.contacts ?? []).map(toContact),
        messages: (v.messages ?? []).map(toMessage),
        statuses: (v.statuses ?? []).map(toStatus),
        errors: (v.errors ?? []).map(toError),
        raw: value,
      };
    }
    case 'user_preferences': {
      const r = preferencesValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'user_preferences',
        field,
        metadata: toMetadata(v.metadata),
        contacts: (v.contacts ?? []).map(toContact),
        preferences: v.user_preferences.map((p) => ({
          waId: p.wa_id ?? null,
          userId: p.user_id ?? null,
          category: p.category,
          value: p.value,
          detail: p.detail ?? null,
          timestamp: p.timestamp,
        })),
        raw: value,
      };
    }
    case 'user_id_update': {
      const r = userIdUpdateValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'user_id_update',
        field,
        metadata: toMetadata(v.metadata),
        updates: v.user_id_update.map((u) => ({
          waId: u.wa_id ?? null,
          previousUserId: typeof u.user_id === 'object' ? (u.user_id.previous ?? null) : (u.previous_user_id ?? null),
          userId: typeof u.user_id === 'object' ? (u.user_id.current ?? null) : (u.user_id ?? null),
          detail: u.detail ?? null,
          timestamp: u.timestamp ?? null,
        })),
        raw: value,
      };
    }
    case 'phone_number_quality_update': {
      const r = qualityValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'phone_number_quality_update',
        field,
        displayPhoneNumber: v.display_phone_number,
        event: v.event,
        currentLimit: v.current_limit ?? null,
        oldLimit: v.old_limit ?? null,
        maxDailyConversationsPerBusiness: v.max_daily_conversations_per_business ?? null,
        qualityRating: str(v.quality_rating) ?? str(v.new_quality_score),
        raw: value,
      };
    }
    case 'account_update': {
      const r = accountUpdateValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      const w = v.waba_info;
      return {
        kind: 'account_update',
        field,
        event: v.event,
        wabaInfo: w
          ? {
              wabaId: w.waba_id ?? null,
              ownerBusinessId: w.owner_business_id ?? null,
              partnerAppId: w.partner_app_id ?? null,
              solutionId: w.solution_id ?? null,
              solutionPartnerBusinessIds: w.solution_partner_business_ids ?? [],
            }
          : null,
        banInfo: v.ban_info ? { state: v.ban_info.waba_ban_state ?? null, date: v.ban_info.waba_ban_date ?? null } : null,
        restrictions: (v.restriction_info ?? []).map((x) => ({ type: x.restriction_type, expiration: unixOrNull(x.expiration) })),
        violationType: v.violation_info?.violation_type ?? null,
        raw: value,
      };
    }
    case 'message_template_status_update': {
      const r = templateStatusValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'message_template_status_update',
        field,
        event: v.event,
        templateId: v.message_template_id,
        templateName: v.message_template_name,
        templateLanguage: v.message_template_language,
        reason: v.reason ?? null,
        category: v.message_template_category ?? null,
        rejectionInfo: v.rejection_info
          ? { reason: v.rejection_info.reason ?? null, recommendation: v.rejection_info.recommendation ?? null }
          : null,
        otherInfo: v.other_info ? { title: v.other_info.title ?? null, description: v.other_info.description ?? null } : null,
        raw: value,
      };
    }
    case 'template_category_update': {
      const r = templateCategoryValueSchema.safeParse(value);
      if (!r.success) return invalid(r.error);
      const v = r.data;
      return {
        kind: 'template_category_update',
        field,
        templateId: v.message_template_id,
        templateName: v.message_template_name,
        templateLanguage: v.message_template_language,
        newCategory: v.new_category,
        previousCategory: v.previous_category ?? null,
        correctCategory: v.correct_category ?? null,
        raw: value,
      };
    }
    default:
      return { kind: 'unknown', field, raw: value };
  }
}

/** Parses a notification body (already JSON-decoded, after the signature check on the raw bytes). */
export function parseWebhookPayload(body: unknown): WebhookParseResult {
  const env = envelopeSchema.safeParse(body);
  if (!env.success) {
    return { ok: false, reason: `not a WhatsApp Business Account notification: ${issuesOf(env.error).slice(0, 5).join('; ')}` };
  }
  return {
    ok: true,
    object: env.data.object,
    entries: env.data.entry.map((e) => ({
      id: e.id,
      time: e.time !== undefined && e.time > 0 ? new Date(e.time * 1000) : null,
      changes: e.changes.map(parseChange),
    })),
  };
}
