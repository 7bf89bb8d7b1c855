import { describe, expect, it } from 'vitest';
import { graphql } from '../generated/index.js';
import { useWorld } from '../helpers/world.js';
import { startSendWorld, upsertProfile } from '../sending-e2e/helpers.js';

// Issue 12 point 14 (schema parts): updateChannelGeneralSettings and createMarketingAction need cjm_whatsapp like
// every other WhatsApp mutation; sendWhatsAppMessage's success carries an outcome that makes BLOCKED/FAILED plain.

const SettingsDoc = graphql(`
  mutation WmSettings($field: String!) {
    updateChannelGeneralSettings(input: { whatsAppExecutionField: $field }) {
      __typename
      ... on EntitlementError {
        code
        entitlement
      }
    }
  }
`);

const ReadSettingsDoc = graphql(`
  query WmReadSettings {
    channelGeneralSettings {
      whatsAppExecutionField
    }
    marketingActions {
      key
    }
  }
`);

const ActionDoc = graphql(`
  mutation WmAction($input: CreateMarketingActionInput!) {
    createMarketingAction(input: $input) {
      __typename
      ... on EntitlementError {
        code
        entitlement
      }
    }
  }
`);

const SendDoc = graphql(`
  mutation WmSend($input: SendWhatsAppMessageInput!) {
    sendWhatsAppMessage(input: $input) {
      __typename
      ... on SendWhatsAppMessageSuccess {
        outcome
        sent
        reason
        data {
          status
          statusReason
        }
      }
    }
  }
`);

const w = useWorld(() => startSendWorld());

describe('WhatsApp settings mutations need cjm_whatsapp', () => {
  it('without it both answer EntitlementError and change nothing; with it they work', async () => {
    const plain = await w.h.createKey({ organization: 'no-whatsapp', sandbox: 'prod', role: 'ADMIN', entitlements: [] });
    const before = (await w.h.gql(ReadSettingsDoc, {}, plain)).data!;
    const settings = await w.h.gql(SettingsDoc, { field: 'phones.main' }, plain);
    expect(settings.data!.updateChannelGeneralSettings).toEqual({
      __typename: 'EntitlementError',
      code: 'ENTITLEMENT_MISSING',
      entitlement: 'cjm_whatsapp',
    });
    const action = await w.h.gql(ActionDoc, { input: { key: 'promo_x', name: 'Promo' } }, plain);
    expect(action.data!.createMarketingAction).toEqual({
      __typename: 'EntitlementError',
      code: 'ENTITLEMENT_MISSING',
      entitlement: 'cjm_whatsapp',
    });
    expect((await w.h.gql(ReadSettingsDoc, {}, plain)).data).toEqual(before);

    const ok = await w.h.gql(SettingsDoc, { field: 'mobilePhone.number' });
    expect(ok.data!.updateChannelGeneralSettings.__typename).toBe('UpdateChannelGeneralSettingsSuccess');
    const created = await w.h.gql(ActionDoc, { input: { key: 'promo_x', name: 'Promo' } });
    expect(created.data!.createMarketingAction.__typename).toBe('CreateMarketingActionSuccess');
  });
});

describe('sendWhatsAppMessage makes BLOCKED and FAILED impossible to miss', () => {
  it('a BLOCKED message is a success with outcome BLOCKED, sent false and the reason; a sent one says SENT', async () => {
    await upsertProfile(w.h, 'wm-no-number', { email: 'x@example.com' });
    const blocked = await w.h.gql(SendDoc, {
      input: { channelConfigurationId: w.configId, profileId: 'wm-no-number', template: { name: 'hello_world', languageCode: 'en_US' } },
    });
    const b = blocked.data!.sendWhatsAppMessage;
    if (b.__typename !== 'SendWhatsAppMessageSuccess') throw new Error(JSON.stringify(b));
    expect(b).toMatchObject({ outcome: 'BLOCKED', sent: false, data: { status: 'BLOCKED' } });
    expect(b.reason).toBe(b.data.statusReason);
    expect(b.reason).toBeTruthy();

    const sent = await w.h.gql(SendDoc, {
      input: { channelConfigurationId: w.configId, phoneNumber: '+16505550199', template: { name: 'hello_world', languageCode: 'en_US' } },
    });
    expect(sent.data!.sendWhatsAppMessage).toMatchObject({ outcome: 'SENT', sent: true, reason: null, data: { status: 'SENT' } });
  });
});
