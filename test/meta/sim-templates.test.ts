import { describe, expect, it } from 'vitest';
import { MetaApiError, templateMessage, type MetaClient, type TemplateComponent } from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { rejection, startReceiver, useSimClient } from './helpers.js';

// Issue 15, point 1: the simulator speaks named templates the way Meta does: the templates list says
// parameter_format, a NAMED template needs parameter_name on every parameter (132000 otherwise), media headers and
// button parameters are checked, and Meta's template webhooks announce status and category changes.

const ids = DEFAULT_IDS;
const phone = ids.phone.acmeGreen;
const to = '+16505551234';
let running: RunningMetaSimulator;
let client: MetaClient;
useSimClient((started) => ({ running, client } = started));

const session = () => client.session(ids.token.systemUser);
const send = (name: string, components: TemplateComponent[]) =>
  session().sendMessage(phone, templateMessage(to, { name, languageCode: 'en_US', components }), { retry: false });

const namedBody = (names: Array<string | undefined>): TemplateComponent => ({
  type: 'body',
  parameters: names.map((n) => (n ? { type: 'text', parameter_name: n, text: 'x' } : { type: 'text', text: 'x' })),
});
const orderButtons: TemplateComponent[] = [
  { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1' }] },
  { type: 'button', sub_type: 'copy_code', index: '1', parameters: [{ type: 'coupon_code', coupon_code: 'C1' }] },
];
const orderHeader: TemplateComponent = { type: 'header', parameters: [{ type: 'text', parameter_name: 'order_id', text: 'A-1' }] };

describe('named templates at the simulator', () => {
  it('lists parameter_format and previous_category like Meta', async () => {
    const templates = await session().listTemplates(ids.waba.acmeMain);
    expect(templates.find((t) => t.name === 'order_confirmation')).toMatchObject({ parameterFormat: 'NAMED', status: 'APPROVED' });
    expect(templates.find((t) => t.name === 'parcel_photo')).toMatchObject({ parameterFormat: 'POSITIONAL' });
  });

  it('accepts a fully named send and answers 132000 when parameter_name is missing, unknown or short', async () => {
    await send('order_confirmation', [orderHeader, namedBody(['first_name', 'total', 'ship_date']), ...orderButtons]);
    const cases: Array<[TemplateComponent[], number, RegExp]> = [
      [[orderHeader, namedBody([undefined, undefined, undefined]), ...orderButtons], 132000, /Parameter name is missing/],
      [[orderHeader, namedBody(['first_name', 'total', 'when'])], 132000, /expected named params/],
      [[orderHeader, namedBody(['first_name', 'total'])], 132000, /expected named params/],
      [
        [{ type: 'header', parameters: [{ type: 'text', text: 'A-1' }] }, namedBody(['first_name', 'total', 'ship_date']), ...orderButtons],
        132000,
        /header: Parameter name is missing/,
      ],
      [[orderHeader, namedBody(['first_name', 'total', 'ship_date']), orderButtons[1]!], 132000, /button 0 \(URL\) needs a parameter/],
    ];
    for (const [components, code, details] of cases) {
      const err = await rejection(send('order_confirmation', components));
      expect(err).toBeInstanceOf(MetaApiError);
      expect((err as MetaApiError).metaCode).toBe(code);
      expect((err as MetaApiError).details).toMatch(details);
    }
    expect(running.sim.sentMessages()).toHaveLength(1);
  });

  it('checks media headers (132012 for the wrong type) and button kinds', async () => {
    const body: TemplateComponent = { type: 'body', parameters: [{ type: 'text', text: 'A-1' }] };
    await send('parcel_photo', [{ type: 'header', parameters: [{ type: 'image', image: { id: '123' } }] }, body]);
    const wrongMedia = await rejection(
      send('parcel_photo', [{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }, body]),
    );
    expect((wrongMedia as MetaApiError).metaCode).toBe(132012);
    const noHeader = await rejection(send('parcel_photo', [body]));
    expect((noHeader as MetaApiError).metaCode).toBe(132000);
    const wrongButton = await rejection(
      send('parcel_photo', [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://x.example/a.jpg' } }] },
        body,
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'x' }] },
      ]),
    );
    expect((wrongButton as MetaApiError).metaCode).toBe(131009);
  });

  it("announces status and category changes with Meta's webhook shapes and applies them", async () => {
    const receiver = await startReceiver('verify-me');
    await running.sim.configureWebhook({ callbackUrl: receiver.url, verifyToken: 'verify-me', appSecret: ids.appSecret });
    await running.sim.emitTemplateStatus({ wabaId: ids.waba.acmeMain, templateId: '5000000000000002', event: 'PAUSED' });
    await running.sim.emitTemplateCategory({ wabaId: ids.waba.acmeMain, templateId: '5000000000000002', newCategory: 'MARKETING' });
    const posted = receiver.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.raw.toString('utf8')) as unknown);
    await receiver.close();
    expect(posted[0]).toMatchObject({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: ids.waba.acmeMain,
          changes: [
            {
              field: 'message_template_status_update',
              value: {
                event: 'PAUSED',
                message_template_id: 5000000000000002,
                message_template_name: 'order_update',
                message_template_language: 'en-US',
              },
            },
          ],
        },
      ],
    });
    expect(posted[1]).toMatchObject({
      entry: [{ changes: [{ field: 'template_category_update', value: { previous_category: 'UTILITY', new_category: 'MARKETING' } }] }],
    });
    const paused = await rejection(
      send('order_update', [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
      ]),
    );
    expect((paused as MetaApiError).metaCode).toBe(132015);
    expect((await session().listTemplates(ids.waba.acmeMain)).find((t) => t.name === 'order_update')).toMatchObject({
      status: 'PAUSED',
      category: 'MARKETING',
      previousCategory: 'UTILITY',
    });
  });
});
