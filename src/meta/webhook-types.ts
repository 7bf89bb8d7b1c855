// Normalised webhook notification types produced by parseWebhookPayload
// (webhook-payload.ts). camelCase; every value Meta may omit is null, and
// each object keeps Meta's original JSON in `raw`.

export interface WebhookError {
  code: number | null;
  title: string | null;
  message: string | null;
  details: string | null;
  href: string | null;
}

export interface WebhookContact {
  waId: string | null;
  userId: string | null;
  parentUserId: string | null;
  name: string | null;
}

export interface WebhookMetadata {
  displayPhoneNumber: string;
  phoneNumberId: string;
}

export interface WebhookMessage {
  id: string;
  /** Written in a group: Meta's group id. */
  groupId: string | null;
  /** type "system": a notice about the user (number or user id change), not their words. */
  system: { type: string | null; body: string | null; newWaId: string | null; userId: string | null; previousUserId: string | null } | null;
  /** type "revoke" / "edit": the message they are about, and the edited text. */
  reference: { originalWamid: string; text: string | null } | null;
  from: string | null;
  fromUserId: string | null;
  timestamp: Date;
  type: string;
  /** Text a person typed or tapped: text body, button text, reply title, or media caption. */
  text: string | null;
  button: { payload: string | null; text: string | null } | null;
  interactive: { type: string; id: string | null; title: string | null; description: string | null } | null;
  context: { from: string | null; id: string | null; forwarded: boolean; frequentlyForwarded: boolean } | null;
  errors: WebhookError[];
  raw: Record<string, unknown>;
}

export interface WebhookStatus {
  id: string;
  /** sent | delivered | read | played | failed, or anything newer. */
  status: string;
  timestamp: Date;
  recipientId: string | null;
  recipientUserId: string | null;
  errors: WebhookError[];
  bizOpaqueCallbackData: string | null;
  pricing: { billable: boolean | null; pricingModel: string | null; type: string | null; category: string | null } | null;
  conversation: { id: string | null; originType: string | null } | null;
  raw: Record<string, unknown>;
}

export interface MessagesChange {
  kind: 'messages';
  field: 'messages';
  metadata: WebhookMetadata;
  contacts: WebhookContact[];
  messages: WebhookMessage[];
  statuses: WebhookStatus[];
  errors: WebhookError[];
  raw: unknown;
}

export interface UserPreferencesChange {
  kind: 'user_preferences';
  field: 'user_preferences';
  metadata: WebhookMetadata;
  contacts: WebhookContact[];
  preferences: { waId: string | null; userId: string | null; category: string; value: string; detail: string | null; timestamp: Date }[];
  raw: unknown;
}

export interface UserIdUpdateChange {
  kind: 'user_id_update';
  field: 'user_id_update';
  metadata: WebhookMetadata;
  updates: { waId: string | null; previousUserId: string | null; userId: string | null; detail: string | null; timestamp: Date | null }[];
  raw: unknown;
}

export interface PhoneNumberQualityChange {
  kind: 'phone_number_quality_update';
  field: 'phone_number_quality_update';
  displayPhoneNumber: string;
  event: string;
  currentLimit: string | null;
  oldLimit: string | null;
  maxDailyConversationsPerBusiness: string | null;
  /** Only if Meta includes one (quality_rating / new_quality_score); not in the 2026 reference. */
  qualityRating: string | null;
  raw: unknown;
}

export interface AccountUpdateChange {
  kind: 'account_update';
  field: 'account_update';
  event: string;
  wabaInfo: {
    wabaId: string | null;
    ownerBusinessId: string | null;
    partnerAppId: string | null;
    solutionId: string | null;
    solutionPartnerBusinessIds: string[];
  } | null;
  banInfo: { state: string | null; date: string | null } | null;
  restrictions: { type: string; expiration: Date | null }[];
  violationType: string | null;
  raw: unknown;
}

export interface TemplateStatusChange {
  kind: 'message_template_status_update';
  field: 'message_template_status_update';
  event: string;
  templateId: string;
  templateName: string;
  templateLanguage: string;
  reason: string | null;
  category: string | null;
  rejectionInfo: { reason: string | null; recommendation: string | null } | null;
  otherInfo: { title: string | null; description: string | null } | null;
  raw: unknown;
}

/** A template's category changed (previousCategory) or is about to (correctCategory; newCategory is then the current one). */
export interface TemplateCategoryChange {
  kind: 'template_category_update';
  field: 'template_category_update';
  templateId: string;
  templateName: string;
  templateLanguage: string;
  newCategory: string;
  previousCategory: string | null;
  correctCategory: string | null;
  raw: unknown;
}

export interface UnknownChange {
  kind: 'unknown';
  field: string;
  raw: unknown;
}

export interface InvalidChange {
  kind: 'invalid';
  field: string;
  issues: string[];
  raw: unknown;
}

export type WebhookChange =
  | MessagesChange
  | UserPreferencesChange
  | UserIdUpdateChange
  | PhoneNumberQualityChange
  | AccountUpdateChange
  | TemplateStatusChange
  | TemplateCategoryChange
  | UnknownChange
  | InvalidChange;

export interface WebhookEntry {
  /** WABA id (or the partner's id for partner account_update events). */
  id: string;
  time: Date | null;
  changes: WebhookChange[];
}

export type WebhookParseResult = { ok: true; object: string; entries: WebhookEntry[] } | { ok: false; reason: string };
