// Issue 16 point 4: an answer drip-fed a byte at a time keeps undici's body
// timer (which restarts with every chunk) alive forever; the overall call
// deadline (timeouts.callMs, META_CALL_TIMEOUT_MS) ends it. Body timeout 1 s,
// a byte every 300 ms: without the deadline a 200-byte body takes a minute.
import { beforeEach, describe, expect, it } from 'vitest';
import { MetaSendOutcomeUnknownError, MetaUnreachableError, templateMessage, type MetaClient } from '../../src/meta/index.js';
import { DEFAULT_IDS, type RunningMetaSimulator } from '../../src/meta-simulator/index.js';
import { rejection, useSimClient } from '../meta/helpers.js';

const ids = DEFAULT_IDS;
let running: RunningMetaSimulator;
let client: MetaClient;

useSimClient((started) => ({ running, client } = started), {
  client: { timeouts: { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000, callMs: 2_000 } },
});
beforeEach(() => running.sim.reset());

const s = () => client.session(ids.token.systemUser);
const once = { retry: false } as const;
const DRIP = '<html>' + 'x'.repeat(200) + '</html>';

describe('overall deadline of a Meta call', () => {
  it('a drip-fed answer to a GET ends as MetaUnreachableError(timeout) at the call deadline', async () => {
    running.sim.injectFault({ path: `/*/${ids.waba.acmeMain}`, status: 200, rawBody: DRIP, dripMs: 300 });
    const err = await rejection(s().getWaba(ids.waba.acmeMain, once));
    expect(err).toBeInstanceOf(MetaUnreachableError);
    expect(err).toMatchObject({ reason: 'timeout', requestSent: true });
  }, 20_000);

  it('a drip-fed answer to a send is an unknown outcome (written, no complete answer), never repeated', async () => {
    running.sim.injectFault({ method: 'POST', path: '**/messages', recordFirst: true, dripMs: 300 });
    const body = templateMessage('+16505551234', { name: 'hello_world', languageCode: 'en_US' }, { bizOpaqueCallbackData: 'drip-1' });
    const err = await rejection(s().sendMessage(ids.phone.acmeGreen, body));
    expect(err).toBeInstanceOf(MetaSendOutcomeUnknownError);
    expect(err).toMatchObject({ reason: 'timeout', bizOpaqueCallbackData: 'drip-1' });
    expect(running.sim.sentMessages({ to: '+16505551234' })).toHaveLength(1);
  }, 20_000);
});
