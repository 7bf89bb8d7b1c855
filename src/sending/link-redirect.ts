import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../core/deps.js';
import { sendText, type HttpRoute } from '../http/respond.js';
import { inTransaction } from '../platform/db.js';
import { getMessage, publishTrackingEvents } from '../messages/service.js';
import { isLinkToken, redirectTarget } from './link-rewrite.js';
import { addTrackingEvent, Effects } from '../messages/tracking.js';
import { store } from './store.js';
import type { LinkRow } from './store.js';

/**
 * GET /l/<token>: the tracked-link redirect. The target comes only from the
 * stored link row (never from the request), so the route cannot be turned into
 * an open redirect. Every click is counted on the link; the first click of a
 * message's link is its one CLICKED tracking event.
 */

const PATH = /^\/l\/([^/]*)$/;
// Link-preview fetchers are not people clicking: they are redirected but not counted.
const PREVIEW_AGENTS =
  /facebookexternalhit|facebot|whatsapp\/|slackbot|twitterbot|telegrambot|discordbot|linkedinbot|skypeuripreview|googlebot|bingbot/i;

function notFound(res: ServerResponse): void {
  sendText(res, 404, 'Not found\n', { 'cache-control': 'no-store' });
}

/** Counts the click and records the link's CLICKED event once (its dedupe key is the link). */
export async function recordClick(deps: AppDeps, link: LinkRow, at = new Date()): Promise<{ first: boolean }> {
  const effects = new Effects(link.sandboxId);
  const first = await inTransaction(deps.db, async (tx) => {
    await store.countClick(tx, link.id, at);
    const message = await getMessage(deps, link.sandboxId, link.messageId);
    const eventId = await addTrackingEvent(tx, effects, {
      type: 'CLICKED',
      at,
      messageId: link.messageId,
      contactId: message?.contactId ?? null,
      phoneNumber: message?.toNumber ?? null,
      channelConfigurationId: message?.channelConfigurationId ?? null,
      detail: { url: link.url, linkId: link.id },
      dedupeKey: `click:${link.id}`,
    });
    return eventId !== null;
  });
  publishTrackingEvents(deps, link.sandboxId, effects.trackingEventIds);
  return { first };
}

export function linkRoute(deps: AppDeps): HttpRoute {
  return {
    name: 'tracked-link',
    match: (pathname) => {
      const m = PATH.exec(pathname);
      return m ? { token: m[1]! } : null;
    },
    handle: async (req: IncomingMessage, res: ServerResponse, params) => {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') {
        sendText(res, 405, 'Method not allowed\n', { allow: 'GET, HEAD' });
        return;
      }
      const token = params.token ?? '';
      if (!isLinkToken(token)) return notFound(res);
      const link = await store.findLinkByToken(deps.db, token);
      const target = link ? redirectTarget(link.url) : null;
      if (!link || !target) return notFound(res);
      if (method === 'GET' && !PREVIEW_AGENTS.test(String(req.headers['user-agent'] ?? ''))) await recordClick(deps, link);
      res.writeHead(302, {
        location: target,
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        'x-content-type-options': 'nosniff',
        'content-length': '0',
      });
      res.end();
    },
  };
}
