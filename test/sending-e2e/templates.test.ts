import { beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import type { SendWhatsAppMessageInput } from '../generated/graphql.js';
import { sqlRows, sqlValue } from '../helpers/sql.js';
import { useWorld } from '../helpers/world.js';
import { configureSender, IDS, rawId, SendBatchDoc, sendOk, startSendWorld, upsertProfile, waitUntil } from './helpers.js';

// Issue 15, point 1: templates with named parameters (and every other send form a business uses) are sent
// exactly as Meta documents them; the template is read from Meta (cached, refreshed by Meta's template webhooks),
// exposed in the API, and a template Meta would refuse is refused before Meta with a typed error.

const TemplatesDoc = graphql(`
  query TplList($id: ID!, $refresh: Boolean, $name: String) {
    node(id: $id) {
      ... on WhatsAppApiCredential {
        templates(refresh: $refresh, name: $name) {
          id
          name
          language
          category
          previousCategory
          status
          parameterFormat
          components
          parameters {
            component
            kind
            name
            position
            buttonIndex
            required
            example
          }
        }
      }
    }
  }
`);

const SendTplDoc = graphql(`
  mutation TplSend($input: SendWhatsAppMessageInput!) {
    sendWhatsAppMessage(input: $input) {
      __typename
      ... on SendWhatsAppMessageSuccess {
        data {
          id
          status
          statusReason
          metaErrorCode
          template
        }
      }
      ... on WhatsAppTemplateError {
        message
        code
        problem
        templateName
        languageCode
        templateStatus
        category
      }
      ...ErrorFields
    }
  }
`);

const w = useWorld(async () => {
  const world = await startSendWorld({ webhook: true });
  const marketing = await configureSender(world.h, world.sim, 'marketing', { marketingKeys: ['whatsapp_marketing'] });
  return { ...world, marketingConfigId: marketing.configId };
});
beforeAll(async () => {
  const consent = { marketing: { whatsApp: { val: 'y' } } };
  await upsertProfile(w.h, 'pablo', { firstName: 'Pablo', orderId: 'A-1042', mobilePhone: { number: '+16505550111' }, consents: consent });
  // One recipient per send: Meta's pair rate (one message per 6 s to one user) would slow the file down.
  await upsertProfile(w.h, 'pia', { mobilePhone: { number: '+16505550121' }, consents: consent });
  await upsertProfile(w.h, 'pat', { mobilePhone: { number: '+16505550122' }, consents: consent });
}, 30_000);

const messages = () => sqlValue<number>(w.h.server, 'SELECT count(*) AS n FROM whatsapp_messages');
const templatesOf = async (name?: string, refresh = false) => {
  const res = await w.h.gql(TemplatesDoc, { id: w.credentialId, refresh, name });
  expect(res.errors).toBeUndefined();
  return (res.data!.node as { templates: Array<Record<string, unknown>> }).templates;
};
const sendTpl = async (input: SendWhatsAppMessageInput) => {
  const res = await w.h.gql(SendTplDoc, { input });
  expect(res.errors).toBeUndefined();
  return res.data!.sendWhatsAppMessage;
};
const lastSent = () => w.sim.sim.sentMessages().at(-1)!;

describe('the WABA’s templates in the API', () => {
  it('lists named and positional templates with status, category, format and the parameters a send gives', async () => {
    const all = await templatesOf();
    expect(all.map((t) => t.name)).toContain('order_confirmation');
    const named = all.find((t) => t.name === 'order_confirmation')!;
    expect(named).toMatchObject({
      language: 'en_US',
      category: 'UTILITY',
      status: 'APPROVED',
      parameterFormat: 'NAMED',
      previousCategory: null,
    });
    expect(named.parameters).toEqual([
      { component: 'HEADER', kind: 'TEXT', name: 'order_id', position: null, buttonIndex: null, required: true, example: 'A-1042' },
      { component: 'BODY', kind: 'TEXT', name: 'first_name', position: null, buttonIndex: null, required: true, example: 'Pablo' },
      { component: 'BODY', kind: 'TEXT', name: 'total', position: null, buttonIndex: null, required: true, example: '$35.00' },
      { component: 'BODY', kind: 'TEXT', name: 'ship_date', position: null, buttonIndex: null, required: true, example: 'May 2' },
      { component: 'BUTTON', kind: 'URL_SUFFIX', name: null, position: null, buttonIndex: 0, required: true, example: null },
      { component: 'BUTTON', kind: 'COPY_CODE', name: null, position: null, buttonIndex: 1, required: true, example: null },
      { component: 'BUTTON', kind: 'QUICK_REPLY_PAYLOAD', name: null, position: null, buttonIndex: 2, required: false, example: null },
    ]);
    const positional = all.find((t) => t.name === 'order_update')!;
    expect(positional).toMatchObject({ parameterFormat: 'POSITIONAL', status: 'APPROVED' });
    expect((positional.parameters as Array<{ position: number | null }>).filter((p) => p.position).map((p) => p.position)).toEqual([1, 2]);
    expect(all.find((t) => t.name === 'promo_paused')).toMatchObject({ status: 'PAUSED', category: 'MARKETING' });
    expect(all.find((t) => t.name === 'abandoned_cart')).toMatchObject({ status: 'REJECTED' });
    expect(await templatesOf('parcel_photo')).toHaveLength(1);
  });
});

describe('sending every form', () => {
  it('a NAMED template: parameter_name on header and body, currency, date_time, URL suffix, copy code, quick-reply payload', async () => {
    const m = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      profileId: 'pablo',
      template: {
        name: 'order_confirmation',
        languageCode: 'en_US',
        header: { name: 'order_id', text: '{{profile.orderId}}' },
        body: [
          { name: 'first_name', text: '{{profile.firstName}}' },
          { name: 'total', currency: { code: 'USD', amount1000: 35000, fallbackValue: '$35.00' } },
          { name: 'ship_date', dateTime: { fallbackValue: 'May 2, 2026' } },
        ],
        buttons: [
          { index: 0, urlSuffix: '{{profile.orderId}}' },
          { index: 1, copyCode: 'THANKS10' },
          { index: 2, quickReplyPayload: 'talk-{{profile.orderId}}' },
        ],
      },
    });
    expect(m).toMatchObject({ status: 'SENT', statusReason: null });
    expect(lastSent().body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '+16505550111',
      type: 'template',
      template: {
        name: 'order_confirmation',
        language: { code: 'en_US' },
        components: [
          { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-1042' }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', parameter_name: 'first_name', text: 'Pablo' },
              { type: 'currency', parameter_name: 'total', currency: { fallback_value: '$35.00', code: 'USD', amount_1000: 35000 } },
              { type: 'date_time', parameter_name: 'ship_date', date_time: { fallback_value: 'May 2, 2026' } },
            ],
          },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1042' }] },
          { type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'THANKS10' }] },
          { type: 'button', sub_type: 'quick_reply', index: '2', parameters: [{ type: 'payload', payload: 'talk-A-1042' }] },
        ],
      },
      biz_opaque_callback_data: rawId(m.id),
    });
  });

  it('POSITIONAL templates with image (link), document (media id) and video headers and quick-reply payloads', async () => {
    const photo = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      phoneNumber: '+16505550112',
      template: {
        name: 'parcel_photo',
        languageCode: 'en_US',
        header: { image: { link: 'https://cdn.example/parcel.jpg' } },
        body: [{ text: 'A-1042' }],
        buttons: [
          { index: 0, quickReplyPayload: 'got-it' },
          { index: 1, quickReplyPayload: 'not-mine' },
        ],
      },
    });
    expect(photo.status).toBe('SENT');
    expect((lastSent().body as { template: unknown }).template).toEqual({
      name: 'parcel_photo',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/parcel.jpg' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'A-1042' }] },
        { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'got-it' }] },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'not-mine' }] },
      ],
    });
    const invoice = await sendOk(w.h, {
      channelConfigurationId: w.configId,
      phoneNumber: '+16505550115',
      template: {
        name: 'invoice_pdf',
        languageCode: 'en_US',
        header: { document: { id: '1339522734477770', filename: 'INV-7.pdf' } },
        bodyParameters: ['INV-7', 'June 1'],
      },
    });
    expect(invoice.status).toBe('SENT');
    expect((lastSent().body as { template: { components: unknown[] } }).template.components[0]).toEqual({
      type: 'header',
      parameters: [{ type: 'document', document: { id: '1339522734477770', filename: 'INV-7.pdf' } }],
    });
    const video = await sendOk(w.h, {
      channelConfigurationId: w.marketingConfigId,
      profileId: 'pia',
      template: { name: 'product_video', languageCode: 'en_US', header: { video: { link: 'https://cdn.example/tour.mp4' } } },
    });
    expect(video.status).toBe('SENT');
    expect(lastSent().templateCategory).toBe('MARKETING');
  });
});

describe('refused before Meta with a typed error', () => {
  const refused = async (input: SendWhatsAppMessageInput) => {
    const before = { messages: await messages(), sent: w.sim.sim.sentMessages().length, rejected: w.sim.sim.rejectedSends().length };
    const r = await sendTpl(input);
    expect({ messages: await messages(), sent: w.sim.sim.sentMessages().length, rejected: w.sim.sim.rejectedSends().length }).toEqual(
      before,
    );
    return r;
  };
  const to = { channelConfigurationId: '', phoneNumber: '+16505550113' };

  it('PAUSED, REJECTED, unknown, and MARKETING through a configuration without a marketing action', async () => {
    to.channelConfigurationId = w.configId;
    expect(await refused({ ...to, template: { name: 'promo_paused', languageCode: 'en_US' } })).toMatchObject({
      __typename: 'WhatsAppTemplateError',
      code: 'INVALID_STATE',
      problem: 'PAUSED',
      templateStatus: 'PAUSED',
      category: 'MARKETING',
    });
    expect(await refused({ ...to, template: { name: 'abandoned_cart', languageCode: 'en', bodyParameters: ['a', 'b'] } })).toMatchObject({
      problem: 'REJECTED',
      templateStatus: 'REJECTED',
    });
    expect(await refused({ ...to, template: { name: 'pending_review', languageCode: 'pt_BR', bodyParameters: ['x'] } })).toMatchObject({
      problem: 'NOT_APPROVED',
      templateStatus: 'PENDING',
    });
    const missing = await refused({ ...to, template: { name: 'order_update', languageCode: 'pt_BR', bodyParameters: ['a', 'b'] } });
    expect(missing).toMatchObject({ problem: 'NOT_FOUND', code: 'NOT_FOUND', templateStatus: null });
    expect((missing as { message: string }).message).toContain('en_US');
    expect(
      await refused({
        ...to,
        template: {
          name: 'welcome_discount',
          languageCode: 'en_US',
          body: [
            { name: 'first_name', text: 'Jo' },
            { name: 'discount_code', text: 'W25' },
            { name: 'discount_amount', text: '25%' },
          ],
        },
      }),
    ).toMatchObject({ problem: 'MARKETING_NOT_ALLOWED', category: 'MARKETING' });
    // The same template goes out through the configuration with a marketing action.
    const ok = await sendTpl({
      channelConfigurationId: w.marketingConfigId,
      profileId: 'pat',
      template: {
        name: 'welcome_discount',
        languageCode: 'en_US',
        body: [
          { name: 'first_name', text: 'Jo' },
          { name: 'discount_code', text: 'W25' },
          { name: 'discount_amount', text: '25%' },
        ],
      },
    });
    expect(ok).toMatchObject({ __typename: 'SendWhatsAppMessageSuccess', data: { status: 'SENT' } });
  });

  it('wrong or missing parameters: a ValidationError naming each, for named and positional templates', async () => {
    to.channelConfigurationId = w.configId;
    // The named template sent the old positional way: Meta would answer 132000 (parameter_name required).
    const positionalForNamed = await refused({
      channelConfigurationId: w.marketingConfigId,
      phoneNumber: '+16505550113',
      template: { name: 'welcome_discount', languageCode: 'en_US', bodyParameters: ['Jo', 'W25', '25%'] },
    });
    expect(positionalForNamed).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    const named = await refused({
      channelConfigurationId: w.marketingConfigId,
      phoneNumber: '+16505550113',
      template: {
        name: 'welcome_discount',
        languageCode: 'en_US',
        body: [
          { name: 'first_name', text: 'Jo' },
          { name: 'discount', text: 'W25' },
        ],
      },
    });
    expect((named as { fieldErrors: Array<{ path: string[] }> }).fieldErrors.map((f) => f.path.join('.'))).toEqual([
      'template.body.1.name',
      'template.body',
    ]);
    const fieldsOf = async (input: SendWhatsAppMessageInput) =>
      ((await refused(input)) as { fieldErrors: Array<{ path: string[]; message: string }> }).fieldErrors.map((f) => f.path.join('.'));
    expect(await fieldsOf({ ...to, template: { name: 'order_update', languageCode: 'en_US', bodyParameters: ['only one'] } })).toEqual([
      'template.bodyParameters',
    ]);
    expect(
      await fieldsOf({
        ...to,
        template: { name: 'order_update', languageCode: 'en_US', body: [{ name: 'first_name', text: 'x' }, { text: 'y' }] },
      }),
    ).toEqual(['template.body']);
    // The image header given as text, the URL button without its suffix, a copy code on a quick-reply button.
    expect(
      await fieldsOf({
        ...to,
        template: {
          name: 'order_confirmation',
          languageCode: 'en_US',
          header: { text: 'A-1' },
          body: [
            { name: 'first_name', text: 'x' },
            { name: 'total', text: '$1' },
            { name: 'ship_date', text: 'today' },
          ],
          buttons: [
            { index: 1, copyCode: 'C1' },
            { index: 2, copyCode: 'C2' },
          ],
        },
      }),
    ).toEqual(['template.header.name', 'template.buttons.1.copyCode', 'template.buttons']);
    expect(
      await fieldsOf({
        ...to,
        template: { name: 'parcel_photo', languageCode: 'en_US', header: { text: 'x' }, bodyParameters: ['A'] },
      }),
    ).toEqual(['template.header']);
    // Shape rules before Meta is asked: exactly one value, a usable link.
    expect(
      await fieldsOf({
        ...to,
        template: {
          name: 'parcel_photo',
          languageCode: 'en_US',
          header: { image: { link: 'ftp://x' } },
          body: [{ text: 'a', dateTime: { fallbackValue: 'b' } }],
        },
      }),
    ).toEqual(['template.body.0', 'template.header.image.link']);
  });

  it('a batch is refused as a whole, before any recipient is queued', async () => {
    const res = await w.h.gql(SendBatchDoc, {
      input: { channelConfigurationId: w.configId, profileIds: ['pablo'], template: { name: 'promo_paused', languageCode: 'en_US' } },
    });
    expect(res.data!.sendWhatsAppMessages).toMatchObject({ __typename: 'WhatsAppTemplateError', code: 'INVALID_STATE' });
    expect(await sqlValue(w.h.server, 'SELECT count(*) AS n FROM message_batches')).toBe(0);
  });
});

describe("Meta's template webhooks refresh the cached templates", () => {
  it('PAUSED then APPROVED again (message_template_status_update), and a category change (template_category_update)', async () => {
    const template = { name: 'order_update', languageCode: 'en_US', bodyParameters: ['Ana', 'A-7'] };
    const input = { channelConfigurationId: w.configId, phoneNumber: '+16505550114', template };
    expect((await sendOk(w.h, input)).status).toBe('SENT');
    const templateId = '5000000000000002';
    await w.sim.sim.emitTemplateStatus({ wabaId: IDS.waba.acmeMain, templateId, event: 'PAUSED', reason: 'NONE' });
    await waitUntil(async () => (await templatesOf('order_update'))[0]!.status === 'PAUSED', 10_000, 'the cached template to be PAUSED');
    expect(await sendTpl(input)).toMatchObject({ __typename: 'WhatsAppTemplateError', problem: 'PAUSED' });

    await w.sim.sim.emitTemplateStatus({ wabaId: IDS.waba.acmeMain, templateId, event: 'APPROVED' });
    await waitUntil(async () => (await templatesOf('order_update'))[0]!.status === 'APPROVED', 10_000, 'the template to be APPROVED again');
    expect((await sendOk(w.h, { ...input, phoneNumber: '+16505550116' })).status).toBe('SENT');

    await w.sim.sim.emitTemplateCategory({ wabaId: IDS.waba.acmeMain, templateId, newCategory: 'MARKETING' });
    await waitUntil(async () => (await templatesOf('order_update'))[0]!.category === 'MARKETING', 10_000, 'the new category');
    expect((await templatesOf('order_update'))[0]).toMatchObject({ category: 'MARKETING', previousCategory: 'UTILITY' });
    expect(await sendTpl(input)).toMatchObject({ problem: 'MARKETING_NOT_ALLOWED' });
    const deliveries = await sqlRows<{ outcome: string; detail: string }>(
      w.h.server,
      "SELECT outcome, detail FROM webhook_deliveries WHERE detail LIKE '%template%' ORDER BY received_at",
    );
    expect(deliveries.map((d) => d.outcome)).toEqual(['PROCESSED', 'PROCESSED', 'PROCESSED']);
    expect(deliveries[0]!.detail).toContain('template status update(s) (PAUSED)');
  });
});
