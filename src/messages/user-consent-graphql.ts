import { GraphQLError } from 'graphql';
import { builder } from '../graphql/builder.js';
import { ValidationError } from '../platform/errors.js';
import { ConsentChangeRef, ConsentStatusEnum } from './graphql.js';
import * as service from './service.js';
import { getConsentByUserId, type UserConsentView } from './user-consent.js';

const DEFAULT_HISTORY = 20;

const UserConsentRef = builder.objectRef<UserConsentView>('WhatsAppUserConsent').implement({
  description: "A WhatsApp user's consent looked up by business-scoped user id (BSUID), with its ledger.",
  fields: (t) => ({
    userId: t.exposeString('userId', { description: 'The BSUID asked for.' }),
    phoneNumber: t.exposeString('phoneNumber', { nullable: true, description: 'The number, when Meta ever shared it (E.164).' }),
    status: t.field({ type: ConsentStatusEnum, description: 'The current consent.', resolve: (c) => c.status }),
    changedAt: t.expose('changedAt', { type: 'DateTime', nullable: true, description: 'When it last changed; null when never.' }),
    history: t.field({
      type: [ConsentChangeRef],
      description: 'The consent ledger, newest first.',
      args: { first: t.arg.int({ required: false, defaultValue: DEFAULT_HISTORY, description: 'How many (default 20, at most 100).' }) },
      resolve: (c, args, ctx) => {
        const first = args.first ?? DEFAULT_HISTORY;
        if (first < 0 || first > service.MAX_CONSENT_HISTORY) {
          throw new GraphQLError(`first must be between 0 and ${service.MAX_CONSENT_HISTORY}`, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return service.consentHistory(ctx.deps, { ...c, phoneNumber: c.phoneNumber ?? c.userId }, first);
      },
    }),
  }),
});

builder.queryFields((t) => ({
  consentByUserId: t.field({
    type: UserConsentRef,
    description:
      "A WhatsApp user's consent and ledger by business-scoped user id (for users Meta sends without a phone number); UNKNOWN when never recorded.",
    args: { userId: t.arg.string({ required: true, description: 'The BSUID, e.g. "US.13491208655302741918".' }) },
    resolve: async (_root, args, ctx) => {
      try {
        return await getConsentByUserId(ctx.deps, ctx.viewer.sandboxId, args.userId);
      } catch (err) {
        if (err instanceof ValidationError) throw new GraphQLError(err.message, { extensions: { code: 'BAD_USER_INPUT' } });
        throw err;
      }
    },
  }),
}));
