import { builder, type SchemaTypesShape } from '../graphql/builder.js';
import type { WhatsAppMessageRecord } from '../messages/service.js';

/**
 * sendWhatsAppMessage answers SendWhatsAppMessageSuccess whenever the send was handled, also when the message
 * ended BLOCKED or FAILED (the message is stored with its reason). So that a caller that only checks
 * __typename cannot mistake those for a sent message, the success type carries the outcome next to data
 * (issue 12 point 14; an addition to the contract).
 */

type Outcome = 'SENT' | 'PENDING' | 'BLOCKED' | 'FAILED';

export const SendOutcomeEnum = builder.enumType('SendWhatsAppMessageOutcome', {
  description: 'What became of a message sendWhatsAppMessage handled.',
  values: {
    SENT: { description: 'Meta accepted it (status SENT, DELIVERED or READ).' },
    PENDING: { description: "Meta has not answered yet, or its answer was lost (QUEUED or UNKNOWN); follow the message's status." },
    BLOCKED: { description: 'Not sent: consent, a policy or the recipient refused it before Meta; reason says why.' },
    FAILED: { description: 'Meta refused it; reason and the message’s metaErrorCode say why.' },
  } as const satisfies Record<Outcome, unknown>,
});

export function outcomeOf(m: Pick<WhatsAppMessageRecord, 'status'>): Outcome {
  switch (m.status) {
    case 'SENT':
    case 'DELIVERED':
    case 'READ':
      return 'SENT';
    case 'BLOCKED':
    case 'FAILED':
      return m.status;
    default:
      return 'PENDING';
  }
}

/** The fields added to SendWhatsAppMessageSuccess (its parent is the message, like `data`). */
export const sendOutcomeResult = {
  description: 'The message was handled; outcome says whether it went out. BLOCKED and FAILED messages are stored with their reason.',
  fields: (t: PothosSchemaTypes.ObjectFieldBuilder<PothosSchemaTypes.ExtendDefaultTypes<SchemaTypesShape>, WhatsAppMessageRecord>) => ({
    outcome: t.field({
      type: SendOutcomeEnum,
      description: 'SENT only when Meta accepted the message; check it before telling anyone the message went out.',
      resolve: (m: WhatsAppMessageRecord) => outcomeOf(m),
    }),
    sent: t.boolean({
      description: 'True only when Meta accepted the message (outcome SENT).',
      resolve: (m: WhatsAppMessageRecord) => outcomeOf(m) === 'SENT',
    }),
    reason: t.string({
      nullable: true,
      description: 'Why it was BLOCKED or FAILED; null otherwise.',
      resolve: (m: WhatsAppMessageRecord) => (outcomeOf(m) === 'BLOCKED' || outcomeOf(m) === 'FAILED' ? (m.statusReason ?? null) : null),
    }),
  }),
};
