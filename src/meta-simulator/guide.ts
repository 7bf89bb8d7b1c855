import { DEFAULT_IDS } from './default-scenario.js';

/**
 * What a newcomer needs to drive the built-in simulator by hand, printed by `npm start` when it runs one and by
 * `npm run demo`: the values Meta would give them (a token, a business portfolio id, an app secret) and the two
 * things only Meta can do (complete the webhook handshake, send a customer's message), as copy-paste commands.
 */

export interface SimulatorValues {
  token: string;
  businessPortfolioId: string;
  appSecret: string;
  whatsAppBusinessAccountId: string;
  phoneNumberId: string;
}

export const SIMULATOR_VALUES: SimulatorValues = {
  token: DEFAULT_IDS.token.systemUser,
  businessPortfolioId: DEFAULT_IDS.business.acme,
  appSecret: DEFAULT_IDS.appSecret,
  whatsAppBusinessAccountId: DEFAULT_IDS.waba.acmeMain,
  phoneNumberId: DEFAULT_IDS.phone.acmeGreen,
};

/** The values alone (the demo prints them when it does not keep the simulator running). */
export function simulatorValueLines(v: SimulatorValues = SIMULATOR_VALUES): string[] {
  return [
    `  API token (system user):  ${v.token}`,
    `  Business portfolio id:    ${v.businessPortfolioId}   (its WABA ${v.whatsAppBusinessAccountId}, phone number id ${v.phoneNumberId})`,
    `  App secret:               ${v.appSecret}`,
  ];
}

/** The whole guide for a running simulator whose control API is at `${simulatorUrl}/__simulator`. */
export function simulatorGuide(simulatorUrl: string, v: SimulatorValues = SIMULATOR_VALUES): string[] {
  const control = `${simulatorUrl}/__simulator`;
  return [
    `The built-in Meta simulator plays Meta at ${simulatorUrl}. In the API, use:`,
    ...simulatorValueLines(v),
    '',
    "Meta's webhook handshake, once createWhatsAppWebhook has given you its callbackUrl and verifyToken:",
    `  curl -s ${control}/webhook/configure -H 'content-type: application/json' \\`,
    `    -d '{"callbackUrl":"<callbackUrl>","verifyToken":"<verifyToken>","appSecret":"${v.appSecret}"}'`,
    'A customer writing to your number (delivered, signed, to the verified webhook):',
    `  curl -s ${control}/webhook/inbound-text -H 'content-type: application/json' \\`,
    `    -d '{"phoneNumberId":"${v.phoneNumberId}","from":{"waId":"14155550123","name":"Dana"},"text":"Hello"}'`,
    'More in the README, "Try it with the simulator".',
  ];
}
