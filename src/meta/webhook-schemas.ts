// The shapes of Meta's webhook notifications (FACTS §3), as zod schemas: loose objects (unknown fields are kept
// and ignored), each change value by its field. webhook-payload.ts turns what they accept into typed changes.
import { z } from 'zod';
import { idSchema } from './graph-responses.js';

const timestamp = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v);
  if (!Number.isFinite(n) || n < 0) {
    ctx.addIssue({ code: 'custom', message: `invalid unix timestamp ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return new Date(n * 1000);
});
const optStr = z.string().optional();
const code = z.union([z.number(), z.string()]).optional();

export const errorSchema = z.looseObject({
  code,
  title: optStr,
  message: optStr,
  error_data: z.looseObject({ details: optStr }).optional(),
  href: optStr,
});
export const contactSchema = z.looseObject({
  wa_id: optStr,
  user_id: optStr,
  parent_user_id: optStr,
  profile: z.looseObject({ name: optStr }).optional(),
});
export const metadataSchema = z.looseObject({ display_phone_number: z.string(), phone_number_id: idSchema });

export const messageSchema = z.looseObject({
  id: z.string().min(1),
  from: optStr,
  from_user_id: optStr,
  timestamp,
  type: z.string(),
  text: z.looseObject({ body: z.string() }).optional(),
  button: z.looseObject({ payload: optStr, text: optStr }).optional(),
  interactive: z
    .looseObject({
      type: z.string(),
      button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.looseObject({ id: z.string(), title: z.string(), description: optStr }).optional(),
    })
    .optional(),
  context: z
    .looseObject({ from: optStr, id: optStr, forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() })
    .optional(),
  errors: z.array(errorSchema).optional(),
  group_id: optStr,
  system: z
    .looseObject({
      type: optStr,
      body: optStr,
      wa_id: optStr,
      new_wa_id: z.union([z.string(), z.number()]).optional(),
      user_id: optStr,
      previous_user_id: optStr,
    })
    .optional(),
  revoke: z.looseObject({ original_message_id: optStr }).optional(),
  edit: z.looseObject({ original_message_id: optStr, message: z.record(z.string(), z.unknown()).optional() }).optional(),
});

export const statusSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  timestamp,
  recipient_id: optStr,
  recipient_user_id: optStr,
  errors: z.array(errorSchema).optional(),
  biz_opaque_callback_data: optStr,
  pricing: z.looseObject({ billable: z.boolean().optional(), pricing_model: optStr, type: optStr, category: optStr }).optional(),
  conversation: z
    .looseObject({
      id: optStr,
      expiration_timestamp: z.union([z.string(), z.number()]).optional(),
      origin: z.looseObject({ type: optStr }).optional(),
    })
    .optional(),
});

export const messagesValueSchema = z.looseObject({
  messaging_product: optStr,
  metadata: metadataSchema,
  contacts: z.array(contactSchema).optional(),
  messages: z.array(messageSchema).optional(),
  statuses: z.array(statusSchema).optional(),
  errors: z.array(errorSchema).optional(),
});

export const preferencesValueSchema = z.looseObject({
  metadata: metadataSchema,
  contacts: z.array(contactSchema).optional(),
  user_preferences: z.array(
    z.looseObject({ wa_id: optStr, user_id: optStr, detail: optStr, category: z.string(), value: z.string(), timestamp }),
  ),
});

// user_id_update (BSUID changes reported on their own); Meta's 2026 changelog moves these to system messages,
// so both shapes are read: { user_id: { previous, current } } or flat { previous_user_id, user_id }.
export const userIdUpdateValueSchema = z.looseObject({
  metadata: metadataSchema,
  user_id_update: z.array(
    z.looseObject({
      wa_id: optStr,
      detail: optStr,
      user_id: z.union([z.string(), z.looseObject({ previous: optStr, current: optStr })]).optional(),
      previous_user_id: optStr,
      timestamp: timestamp.optional(),
    }),
  ),
});

export const qualityValueSchema = z.looseObject({
  display_phone_number: z.string(),
  event: z.string(),
  current_limit: optStr,
  old_limit: optStr,
  max_daily_conversations_per_business: optStr,
});

export const accountUpdateValueSchema = z.looseObject({
  event: z.string(),
  waba_info: z
    .looseObject({
      waba_id: idSchema.optional(),
      owner_business_id: idSchema.optional(),
      partner_app_id: idSchema.optional(),
      solution_id: idSchema.optional(),
      solution_partner_business_ids: z.array(idSchema).optional(),
    })
    .optional(),
  ban_info: z.looseObject({ waba_ban_state: optStr, waba_ban_date: optStr }).optional(),
  restriction_info: z
    .array(z.looseObject({ restriction_type: z.string(), expiration: z.union([z.number(), z.string()]).optional() }))
    .optional(),
  violation_info: z.looseObject({ violation_type: optStr }).optional(),
});

export const templateStatusValueSchema = z.looseObject({
  event: z.string(),
  message_template_id: idSchema,
  message_template_name: z.string(),
  message_template_language: z.string(),
  reason: z.string().nullable().optional(),
  message_template_category: optStr,
  rejection_info: z.looseObject({ reason: optStr, recommendation: optStr }).optional(),
  other_info: z.looseObject({ title: optStr, description: optStr }).optional(),
});

// Impending changes carry correct_category (new_category is then still the current one); completed ones previous_category.
export const templateCategoryValueSchema = z.looseObject({
  message_template_id: idSchema,
  message_template_name: z.string(),
  message_template_language: z.string(),
  new_category: z.string(),
  previous_category: optStr,
  correct_category: optStr,
});

export const envelopeSchema = z.looseObject({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.looseObject({ id: idSchema, time: z.number().optional(), changes: z.array(z.unknown()) })),
});
