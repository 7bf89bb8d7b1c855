import { describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import { useWorld } from '../helpers/world.js';
import { sendOk, startSendWorld } from './helpers.js';

// Issue 15, point 1: the template check never blocks sending on Meta's list being unreadable; Meta then decides.

const TemplateNamesDoc = graphql(`
  query TplNames($id: ID!) {
    node(id: $id) {
      ... on WhatsAppApiCredential {
        templates(refresh: true) {
          name
        }
      }
    }
  }
`);

describe('when Meta cannot list the templates', () => {
  const v = useWorld(() => startSendWorld({}));

  it('the templates field is a Meta error, sends go unchecked and Meta decides (132000 for a named template sent positionally)', async () => {
    v.sim.sim.injectFault({
      path: '**/message_templates',
      times: Infinity,
      status: 400,
      metaError: { code: 100, message: '(#100) Invalid parameter' },
    });
    const res = await v.h.gql(TemplateNamesDoc, { id: v.credentialId });
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'META_API_ERROR', metaCode: 100 } });
    const ok = await sendOk(v.h, {
      channelConfigurationId: v.configId,
      phoneNumber: '+16505550131',
      template: { name: 'order_update', languageCode: 'en_US', bodyParameters: ['Ana', 'A-7'] },
    });
    expect(ok.status).toBe('SENT');
    const failed = await sendOk(v.h, {
      channelConfigurationId: v.configId,
      phoneNumber: '+16505550132',
      template: { name: 'order_confirmation', languageCode: 'en_US', bodyParameters: ['Ana', '$1', 'today'] },
    });
    expect(failed).toMatchObject({ status: 'FAILED', metaErrorCode: 132000 });
    expect(failed.statusReason).toContain('parameter_name');
  });
});
