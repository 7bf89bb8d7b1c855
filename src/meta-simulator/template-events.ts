// "Play Meta" for templates: Meta reviews, pauses, rejects and re-categorises
// templates on its own; each change is applied to the simulated WABA (so the
// templates list and sends see it) and announced by the webhook Meta sends for
// it (FACTS §3.8, message_template_status_update; template_category_update).
import type { MetaSimulator } from './simulator.js';
import type { ScenarioTemplate } from './scenario.js';
import type { DeliveryResult } from './webhook-emitter.js';
import type { WebhookPayloadJson } from './webhook-payloads.js';

function findTemplate(sim: MetaSimulator, wabaId: string, templateId: string): ScenarioTemplate {
  const waba = sim.findWaba(wabaId);
  const template = waba?.templates.find((t) => t.id === templateId);
  if (!template) throw new Error(`Unknown template ${templateId} in WABA ${wabaId}`);
  return template;
}

function envelope(wabaId: string, at: number, field: string, value: Record<string, unknown>): WebhookPayloadJson {
  return { entry: [{ id: wabaId, time: Math.floor(at / 1000), changes: [{ value, field }] }], object: 'whatsapp_business_account' };
}

// Meta writes the language with a hyphen in template webhooks (en-US) and with an underscore elsewhere.
const webhookLanguage = (language: string): string => language.replace('_', '-');

export interface TemplateStatusEvent {
  wabaId: string;
  templateId: string;
  /** APPROVED | PAUSED | REJECTED | DISABLED | … (Meta's event names). */
  event: string;
  reason?: string;
  rejectionInfo?: { reason: string; recommendation: string };
}

export function templateStatusPayload(t: ScenarioTemplate, e: TemplateStatusEvent, at: number): WebhookPayloadJson {
  const value: Record<string, unknown> = {
    event: e.event,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: webhookLanguage(t.language),
    reason: e.reason ?? 'NONE',
    message_template_category: t.category,
  };
  if (e.rejectionInfo) value.rejection_info = e.rejectionInfo;
  if (e.event === 'PAUSED') value.other_info = { title: 'FIRST_PAUSE', description: 'Paused for 3 hours because of low quality.' };
  return envelope(e.wabaId, at, 'message_template_status_update', value);
}

/** Meta changes a template's status; the WABA's template follows and the webhook says so. */
export function emitTemplateStatus(sim: MetaSimulator, e: TemplateStatusEvent): Promise<DeliveryResult> {
  const template = findTemplate(sim, e.wabaId, e.templateId);
  template.status = e.event.toUpperCase();
  return sim.webhook.deliver(templateStatusPayload(template, e, sim.now()));
}

export interface TemplateCategoryEvent {
  wabaId: string;
  templateId: string;
  newCategory: string;
  /** Announce an impending change (correct_category) instead of applying it. */
  impending?: boolean;
}

/** Meta re-categorises a template (or announces it will); the webhook says so. */
export function emitTemplateCategory(sim: MetaSimulator, e: TemplateCategoryEvent): Promise<DeliveryResult> {
  const template = findTemplate(sim, e.wabaId, e.templateId);
  const base = {
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: webhookLanguage(template.language),
  };
  const at = sim.now();
  if (e.impending) {
    const value = {
      ...base,
      correct_category: e.newCategory,
      new_category: template.category,
      category_update_timestamp: Math.floor(at / 1000),
    };
    return sim.webhook.deliver(envelope(e.wabaId, at, 'template_category_update', value));
  }
  const previous = template.category;
  template.previousCategory = previous;
  template.category = e.newCategory;
  return sim.webhook.deliver(
    envelope(e.wabaId, at, 'template_category_update', { ...base, previous_category: previous, new_category: e.newCategory }),
  );
}
