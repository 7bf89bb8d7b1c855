import { builder } from '../../graphql/builder.js';
import { WhatsAppApiCredentialRef } from '../graphql-types.js';
import { ACCOUNT_BLOCK_KINDS, type AccountBlockKind } from './tables.js';
import { accountBlockOf, type AccountBlock } from './service.js';

/** What Meta's account_update webhook says about the credential's WhatsApp Business Account (docs/api.md "Account events"). */

const AccountBlockKindEnum = builder.enumType('WhatsAppAccountBlockKind', {
  description: 'How an account event stands in the way of sending.',
  values: Object.fromEntries(
    ACCOUNT_BLOCK_KINDS.map((k) => [
      k,
      {
        description:
          k === 'FAILED'
            ? 'Nothing can be sent (deleted, banned, offboarded, app uninstalled): the credential is FAILED until Meta lifts it.'
            : 'Meta restricts messaging until `until` (or until it lifts it): sends of the restricted kinds are refused.',
      },
    ]),
  ) as Record<AccountBlockKind, { description: string }>,
});

const AccountBlockRef = builder.objectRef<AccountBlock>('WhatsAppAccountBlock').implement({
  description: "An account_update event from Meta that limits the credential's WhatsApp Business Account now.",
  fields: (t) => ({
    kind: t.field({ type: AccountBlockKindEnum, description: 'FAILED or RESTRICTED.', resolve: (b) => b.kind }),
    event: t.exposeString('event', { description: "Meta's event: ACCOUNT_DELETED, DISABLED_UPDATE, ACCOUNT_RESTRICTION …" }),
    detail: t.exposeString('detail', { description: 'What Meta said and what it means for sending.' }),
    restrictionTypes: t.exposeStringList('restrictionTypes', {
      description: 'ACCOUNT_RESTRICTION types in force, e.g. RESTRICTED_BIZ_INITIATED_MESSAGING (templates refused).',
    }),
    until: t.expose('until', {
      type: 'DateTime',
      nullable: true,
      description: 'When a restriction ends by itself; null when only Meta can lift it.',
    }),
    since: t.expose('since', { type: 'DateTime', description: 'When the event was received.' }),
  }),
});

builder.objectField(WhatsAppApiCredentialRef, 'accountBlock', (t) =>
  t.field({
    type: AccountBlockRef,
    nullable: true,
    description:
      "What Meta's account_update webhook reported against this credential's WhatsApp Business Account and is in force now; null when nothing is (an expired restriction is null).",
    resolve: (c, _args, ctx) => accountBlockOf(ctx.deps.db, c.id),
  }),
);
