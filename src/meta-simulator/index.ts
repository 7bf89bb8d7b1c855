// Meta simulator: a real HTTP server that speaks Meta's Graph API and webhook
// formats (../meta/FACTS.md), for `npm start` without real Meta, the demo and tests.
//
// Stable API (the `wcs meta-simulator [--port N] [--scenario file.json]` command uses it):
//
//   const running = await startMetaSimulator({ port: 0, host: '127.0.0.1', scenario: await loadScenarioFile(path), logger });
//   running.baseUrl   // use as META_GRAPH_URL; Graph calls go to `${baseUrl}/v25.0/...` (any vNN.N)
//   running.sim       // MetaSimulator: injectFault, setPhoneNumber, sentMessages, configureWebhook,
//                     // sendInboundText, emitStatusesFor, emitQualityUpdate, emitUserPreference, reset …
//   await running.close();
//
// Control API over HTTP, under `${url}/__simulator/`:
//   GET  state                     POST scenario (replace)      POST reset
//   POST faults (one or an array)  DELETE faults                GET  sent-messages
//   POST webhook/configure         POST webhook/inbound-text    POST webhook/inbound-button
//   POST webhook/inbound-interactive  POST webhook/statuses     POST webhook/quality-update
//   POST webhook/user-preference   POST phone-numbers/:id (patch)  POST auto-statuses
//
// The default scenario's ids and tokens are in DEFAULT_IDS (default-scenario.ts).
export { startMetaSimulator } from './server.js';
export type { StartMetaSimulatorOptions, RunningMetaSimulator } from './server.js';
export { MetaSimulator } from './simulator.js';
export type { MetaSimulatorOptions, AutoStatusOptions, PhoneNumberPatch } from './simulator.js';
export type { SentMessage, RejectedSend, ReadReceipt } from './records.js';
export { defaultScenario, defaultScenarioInput, DEFAULT_IDS } from './default-scenario.js';
export { loadScenarioFile, parseScenario, scenarioSchema, ScenarioError } from './scenario.js';
export type {
  Scenario,
  ScenarioInput,
  ScenarioTemplateInput,
  ScenarioWaba,
  ScenarioPhoneNumber,
  ScenarioTemplate,
  ScenarioToken,
  ScenarioSettings,
} from './scenario.js';
export type { FaultSpec } from './faults.js';
export { faultFromJson } from './faults.js';
export type { WebhookConfigInput, HandshakeResult, DeliveryResult } from './webhook-emitter.js';
export type { InboundResult, EmitStatusesOptions } from './webhook-actions.js';
export {
  newWamid,
  inboundTextPayload,
  inboundButtonPayload,
  inboundInteractiveReplyPayload,
  statusPayload,
  qualityUpdatePayload,
  userPreferencesPayload,
  batchPayload,
  STATUS_ERROR_TEXT,
} from './webhook-payloads.js';
export type { WebhookPayloadJson, WebhookEntryJson, WebhookChangeJson, NumberRef, ContactRef, StatusSpec } from './webhook-payloads.js';
export { mpsForLevel } from './throughput.js';
