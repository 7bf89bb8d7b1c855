// A demo world with one token per interesting situation. Ids are fixed so
// docs, demos and tests can name them; token values start with "SIM" so
// nobody mistakes them for real Meta tokens.
import { parseScenario, type Scenario, type ScenarioInput, type ScenarioTemplateInput } from './scenario.js';

export const DEFAULT_IDS = {
  appId: '1000000000000001',
  appSecret: 'sim-app-secret-5d1c0a7e9b3f4c2a',
  business: { acme: '2000000000000001', partner: '2000000000000002', other: '2000000000000003' },
  waba: { acmeMain: '3000000000000001', acmeSupport: '3000000000000002', partnerShared: '3000000000000003', other: '3000000000000004' },
  phone: {
    acmeGreen: '4000000000000001',
    acmeYellowHigh: '4000000000000002',
    acmeRedLimited: '4000000000000003',
    acmeSupport: '4000000000000004',
    partnerShared: '4000000000000005',
    other: '4000000000000006',
  },
  token: {
    systemUser: 'SIMvalidSystemUserToken000000000000000001',
    expired: 'SIMexpiredUserToken0000000000000000000002',
    temporaryUser: 'SIMtemporaryUserToken00000000000000000003',
    noMessaging: 'SIMnoMessagingPermissionToken00000000004',
    otherBusiness: 'SIMotherBusinessToken00000000000000000005',
  },
} as const;

const ALL_SCOPES = ['business_management', 'whatsapp_business_management', 'whatsapp_business_messaging'];
const ACME_WABAS = [DEFAULT_IDS.waba.acmeMain, DEFAULT_IDS.waba.acmeSupport, DEFAULT_IDS.waba.partnerShared];

// Like Meta's: business_management targets the business, WhatsApp scopes the WABAs.
function granular(scopes: string[], wabas: string[], businessId: string): { scope: string; targetIds: string[] }[] {
  return scopes.map((scope) => ({ scope, targetIds: scope === 'business_management' ? [businessId] : wabas }));
}

const TEMPLATES: ScenarioTemplateInput[] = [
  {
    id: '5000000000000001',
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      {
        type: 'BODY',
        text: 'Welcome and congratulations!! This message demonstrates your ability to send a message notification from WhatsApp Business Platform’s Cloud API.',
      },
      { type: 'FOOTER', text: 'WhatsApp Business API Team' },
    ],
  },
  {
    id: '5000000000000002',
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Order update' },
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} has shipped.', example: { body_text: [['Pablo', 'A-1042']] } },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Track order' },
          { type: 'QUICK_REPLY', text: 'Talk to us' },
        ],
      },
    ],
  },
  {
    id: '5000000000000003',
    name: 'welcome_discount',
    language: 'en_US',
    category: 'MARKETING',
    status: 'APPROVED',
    components: [
      { type: 'BODY', text: 'Hi {{first_name}}, use {{discount_code}} for {{discount_amount}} off!' },
      { type: 'FOOTER', text: 'Not interested in any of our sales? Tap Stop Promotions' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
  },
  {
    id: '5000000000000004',
    name: 'promo_paused',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PAUSED',
    components: [{ type: 'BODY', text: 'Big sale!' }],
  },
  {
    id: '5000000000000005',
    name: 'pending_review',
    language: 'pt_BR',
    category: 'UTILITY',
    status: 'PENDING',
    components: [{ type: 'BODY', text: 'Olá {{1}}!' }],
  },
  // Created in WhatsApp Manager with named variables: every parameter of a send needs parameter_name.
  {
    id: '5000000000000006',
    name: 'order_confirmation',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'NAMED',
    components: [
      {
        type: 'HEADER',
        format: 'TEXT',
        text: 'Order {{order_id}}',
        example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1042' }] },
      },
      {
        type: 'BODY',
        text: 'Hi {{first_name}}, we received {{total}} for your order. It ships on {{ship_date}}.',
        example: {
          body_text_named_params: [
            { param_name: 'first_name', example: 'Pablo' },
            { param_name: 'total', example: '$35.00' },
            { param_name: 'ship_date', example: 'May 2' },
          ],
        },
      },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'URL', text: 'Track order', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/A-1042'] },
          { type: 'COPY_CODE', text: 'Copy code', example: 'THANKS10' },
          { type: 'QUICK_REPLY', text: 'Talk to us' },
        ],
      },
    ],
  },
  {
    id: '5000000000000007',
    name: 'parcel_photo',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARb'] } },
      { type: 'BODY', text: 'Your parcel {{1}} is at your door.', example: { body_text: [['A-1042']] } },
      {
        type: 'BUTTONS',
        buttons: [
          { type: 'QUICK_REPLY', text: 'Got it' },
          { type: 'QUICK_REPLY', text: 'Not mine' },
        ],
      },
    ],
  },
  {
    id: '5000000000000008',
    name: 'invoice_pdf',
    language: 'en_US',
    category: 'UTILITY',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::YXBwbGljYXRpb24vcGRm:ARb'] } },
      { type: 'BODY', text: 'Invoice {{1}}, due {{2}}.', example: { body_text: [['INV-7', 'June 1']] } },
    ],
  },
  {
    id: '5000000000000009',
    name: 'product_video',
    language: 'en_US',
    category: 'MARKETING',
    status: 'APPROVED',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'VIDEO', example: { header_handle: ['4::dmlkZW8vbXA0:ARb'] } },
      { type: 'BODY', text: 'See what is new this season.' },
    ],
  },
  {
    id: '5000000000000010',
    name: 'abandoned_cart',
    language: 'en',
    category: 'MARKETING',
    status: 'REJECTED',
    parameterFormat: 'POSITIONAL',
    components: [{ type: 'BODY', text: 'You left {{1}}{{2}} in your cart.' }],
  },
];

export function defaultScenarioInput(): ScenarioInput {
  const ids = DEFAULT_IDS;
  return {
    apps: [{ id: ids.appId, name: 'Channel Service Demo App', secret: ids.appSecret }],
    businesses: [
      { id: ids.business.acme, name: 'Acme Retail', clientWabaIds: [ids.waba.partnerShared] },
      { id: ids.business.partner, name: 'Partner Co' },
      { id: ids.business.other, name: 'Other Corp' },
    ],
    wabas: [
      {
        id: ids.waba.acmeMain,
        name: 'Acme Main',
        ownerBusinessId: ids.business.acme,
        templates: TEMPLATES,
        subscribedAppIds: [ids.appId],
        phoneNumbers: [
          {
            id: ids.phone.acmeGreen,
            displayPhoneNumber: '15550100001',
            verifiedName: 'Acme Retail',
            qualityRating: 'GREEN',
            throughputLevel: 'STANDARD',
            messagingLimitTier: 'TIER_2K',
          },
          {
            id: ids.phone.acmeYellowHigh,
            displayPhoneNumber: '15550100002',
            verifiedName: 'Acme Retail',
            qualityRating: 'YELLOW',
            throughputLevel: 'HIGH',
            messagingLimitTier: 'TIER_UNLIMITED',
          },
          {
            id: ids.phone.acmeRedLimited,
            displayPhoneNumber: '15550100003',
            verifiedName: 'Acme Outlet',
            qualityRating: 'RED',
            throughputLevel: 'STANDARD',
            messagingLimitTier: 'TIER_250',
            canSendMessage: 'LIMITED',
          },
        ],
      },
      {
        id: ids.waba.acmeSupport,
        name: 'Acme Support',
        ownerBusinessId: ids.business.acme,
        templates: [TEMPLATES[0]!],
        phoneNumbers: [
          {
            id: ids.phone.acmeSupport,
            displayPhoneNumber: '15550100004',
            verifiedName: 'Acme Support',
            qualityRating: 'NA',
            nameStatus: 'PENDING_REVIEW',
          },
        ],
      },
      {
        id: ids.waba.partnerShared,
        name: 'Partner Co (shared with Acme)',
        currency: 'EUR',
        timezoneId: '71',
        country: 'PT',
        ownerBusinessId: ids.business.partner,
        templates: [TEMPLATES[0]!],
        phoneNumbers: [
          { id: ids.phone.partnerShared, displayPhoneNumber: '351210000005', verifiedName: 'Partner Co', qualityRating: 'GREEN' },
        ],
      },
      {
        id: ids.waba.other,
        name: 'Other Corp WABA',
        ownerBusinessId: ids.business.other,
        templates: [TEMPLATES[0]!],
        phoneNumbers: [{ id: ids.phone.other, displayPhoneNumber: '15550100006', verifiedName: 'Other Corp' }],
      },
    ],
    tokens: [
      {
        value: ids.token.systemUser,
        type: 'SYSTEM_USER',
        appId: ids.appId,
        businessId: ids.business.acme,
        userId: '9000000000000001',
        expiresAt: 0,
        scopes: ALL_SCOPES,
        granularScopes: granular(ALL_SCOPES, ACME_WABAS, ids.business.acme),
        note: 'valid system-user token of Acme Retail, never expires, all WhatsApp permissions',
      },
      {
        value: ids.token.expired,
        type: 'USER',
        appId: ids.appId,
        businessId: ids.business.acme,
        userId: '9000000000000002',
        expiresInSeconds: -86_400,
        isValid: false,
        scopes: ALL_SCOPES,
        granularScopes: granular(ALL_SCOPES, ACME_WABAS, ids.business.acme),
        note: 'expired user token: every call answers 190/463',
      },
      {
        value: ids.token.temporaryUser,
        type: 'USER',
        appId: ids.appId,
        businessId: ids.business.acme,
        userId: '9000000000000003',
        expiresInSeconds: 3600,
        temporary: true,
        scopes: ALL_SCOPES,
        granularScopes: granular(ALL_SCOPES, ACME_WABAS, ids.business.acme),
        note: 'temporary user token expiring about an hour after the simulator starts',
      },
      {
        value: ids.token.noMessaging,
        type: 'SYSTEM_USER',
        appId: ids.appId,
        businessId: ids.business.acme,
        userId: '9000000000000004',
        scopes: ['business_management', 'whatsapp_business_management'],
        granularScopes: granular(['business_management', 'whatsapp_business_management'], ACME_WABAS, ids.business.acme),
        note: 'Acme token without whatsapp_business_messaging: reads work, sends answer (#10)',
      },
      {
        value: ids.token.otherBusiness,
        type: 'SYSTEM_USER',
        appId: ids.appId,
        businessId: ids.business.other,
        userId: '9000000000000005',
        scopes: ALL_SCOPES,
        granularScopes: granular(ALL_SCOPES, [ids.waba.other], ids.business.other),
        note: "Other Corp's token: Acme's objects answer 100/33, Acme's business edges (#200)",
      },
    ],
  };
}

/** The default world, validated (token expiries stay relative until the simulator loads it). */
export function defaultScenario(): Scenario {
  return parseScenario(defaultScenarioInput(), 'default scenario');
}
