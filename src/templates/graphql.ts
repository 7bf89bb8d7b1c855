import { GraphQLError } from 'graphql';
import { WhatsAppApiCredentialRef } from '../credentials/graphql-types.js';
import { ErrorInterface } from '../graphql/errors.js';
import { builder } from '../graphql/builder.js';
import { MetaApiError, MetaUnreachableError } from '../meta/index.js';
import { templateCatalog } from './catalog.js';
import { parameterSlots, type TemplateDefinition, type TemplateParameterSlot } from './definition.js';
import { TemplateRefusedError, type TemplateProblem } from './errors.js';

/** The WABA's message templates as Meta has them, and the typed error of a template Meta would refuse. */

const STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'FLAGGED',
  'LIMIT_EXCEEDED',
  'LOCKED',
  'ARCHIVED',
  'PENDING_DELETION',
  'DELETED',
  'UNKNOWN',
] as const;
type Status = (typeof STATUSES)[number];
const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION', 'UNKNOWN'] as const;
type Category = (typeof CATEGORIES)[number];

const statusOf = (s: string | null): Status => ((STATUSES as readonly string[]).includes(s ?? '') ? (s as Status) : 'UNKNOWN');
const categoryOf = (c: string | null): Category => ((CATEGORIES as readonly string[]).includes(c ?? '') ? (c as Category) : 'UNKNOWN');

export const TemplateStatusEnum = builder.enumType('WhatsAppTemplateStatus', {
  description: "A template's review status at Meta; only APPROVED templates can be sent.",
  values: Object.fromEntries(
    STATUSES.map((s) => [s, { description: s === 'UNKNOWN' ? 'A status this service does not know yet.' : `Meta's ${s} status.` }]),
  ) as Record<Status, { description: string }>,
});

export const TemplateCategoryEnum = builder.enumType('WhatsAppTemplateCategory', {
  description: "A template's category; MARKETING templates go only through a configuration with a marketing action.",
  values: Object.fromEntries(
    CATEGORIES.map((c) => [c, { description: c === 'UNKNOWN' ? 'Not stated, or a category this service does not know.' : `${c}.` }]),
  ) as Record<Category, { description: string }>,
});

const ParameterFormatEnum = builder.enumType('WhatsAppTemplateParameterFormat', {
  description: 'How a template names its variables, and so how a send gives its parameters.',
  values: {
    POSITIONAL: { description: 'Variables {{1}}, {{2}} …: parameters in order, without names.' },
    NAMED: { description: 'Variables like {{first_name}}: every header and body parameter with its name.' },
  },
});

const ProblemEnum = builder.enumType('WhatsAppTemplateProblem', {
  description: 'Why a template send was refused before it reached Meta.',
  values: {
    NOT_FOUND: { description: 'The WABA has no template with that name in that language.' },
    NOT_APPROVED: { description: 'The template is not APPROVED yet (e.g. PENDING, IN_APPEAL).' },
    PAUSED: { description: 'Meta paused the template for low quality.' },
    REJECTED: { description: 'Meta rejected the template.' },
    DISABLED: { description: 'Meta disabled the template for good.' },
    MARKETING_NOT_ALLOWED: { description: 'A MARKETING template through a configuration without a marketing action.' },
  } as const satisfies Record<TemplateProblem, unknown>,
});

builder.objectType(TemplateRefusedError, {
  name: 'WhatsAppTemplateError',
  description: 'The template cannot be sent as asked; nothing was recorded or sent. `problem` says why.',
  interfaces: [ErrorInterface],
  isTypeOf: (e) => e instanceof TemplateRefusedError,
  fields: (t) => ({
    problem: t.field({ type: ProblemEnum, description: 'Why it was refused.', resolve: (e) => e.details.problem }),
    templateName: t.string({ description: 'The template asked for.', resolve: (e) => e.details.templateName }),
    languageCode: t.string({ description: 'The language asked for.', resolve: (e) => e.details.languageCode }),
    templateStatus: t.field({
      type: TemplateStatusEnum,
      nullable: true,
      description: "The template's status at Meta; null when Meta has no such template.",
      resolve: (e) => (e.details.templateStatus === null ? null : statusOf(e.details.templateStatus)),
    }),
    category: t.field({
      type: TemplateCategoryEnum,
      nullable: true,
      description: "The template's category; null when Meta has no such template.",
      resolve: (e) => (e.details.category === null ? null : categoryOf(e.details.category)),
    }),
  }),
});

export { TemplateRefusedError };

const ParameterSlotRef = builder.objectRef<TemplateParameterSlot>('WhatsAppTemplateParameter').implement({
  description: 'One parameter a send of the template gives, and where it goes in WhatsAppTemplateInput.',
  fields: (t) => ({
    component: t.exposeString('component', { description: 'HEADER, BODY or BUTTON.' }),
    kind: t.exposeString('kind', {
      description: 'TEXT, IMAGE, VIDEO, DOCUMENT (header), URL_SUFFIX, COPY_CODE or QUICK_REPLY_PAYLOAD (buttons).',
    }),
    name: t.exposeString('name', { nullable: true, description: 'The variable name of a NAMED template; null for positional ones.' }),
    position: t.exposeInt('position', { nullable: true, description: 'n of {{n}} in a POSITIONAL template; null otherwise.' }),
    buttonIndex: t.exposeInt('buttonIndex', { nullable: true, description: "The button's index (buttons only)." }),
    required: t.exposeBoolean('required', { description: 'Whether a send must give it (a quick-reply payload is optional).' }),
    example: t.exposeString('example', { nullable: true, description: "Meta's example value, when the template has one." }),
  }),
});

const TemplateRef = builder.objectRef<TemplateDefinition>('WhatsAppMessageTemplate').implement({
  description: "A message template of the credential's WhatsApp Business Account, as Meta has it.",
  fields: (t) => ({
    id: t.exposeString('id', { description: "Meta's template id." }),
    name: t.exposeString('name', { description: 'The name a send uses (template.name).' }),
    language: t.exposeString('language', { description: 'The language code a send uses (template.languageCode), e.g. en_US.' }),
    category: t.field({ type: TemplateCategoryEnum, description: 'Its category.', resolve: (d) => categoryOf(d.category) }),
    previousCategory: t.field({
      type: TemplateCategoryEnum,
      nullable: true,
      description: 'Its category before Meta last changed it; null when it never did.',
      resolve: (d) => (d.previousCategory ? categoryOf(d.previousCategory) : null),
    }),
    status: t.field({ type: TemplateStatusEnum, description: 'Its review status.', resolve: (d) => statusOf(d.status) }),
    parameterFormat: t.field({
      type: ParameterFormatEnum,
      description: 'Named or positional variables.',
      resolve: (d) => d.parameterFormat,
    }),
    components: t.field({
      type: 'JSON',
      description: "Meta's components (HEADER, BODY, FOOTER, BUTTONS) as Meta returns them.",
      resolve: (d) => d.components,
    }),
    parameters: t.field({
      type: [ParameterSlotRef],
      description: 'Every parameter a send gives: header, body, then buttons.',
      resolve: (d) => parameterSlots(d),
    }),
  }),
});

function metaFieldError(err: unknown): never {
  if (err instanceof MetaApiError)
    throw new GraphQLError(`Meta refused to list the templates: ${err.message}`, {
      extensions: { code: 'META_API_ERROR', metaCode: err.metaCode },
    });
  if (err instanceof MetaUnreachableError)
    throw new GraphQLError('Meta could not be reached to list the templates; try again later.', {
      extensions: { code: 'META_UNREACHABLE' },
    });
  throw err;
}

builder.objectFields(WhatsAppApiCredentialRef, (t) => ({
  templates: t.field({
    type: [TemplateRef],
    description:
      "The message templates of the credential's WhatsApp Business Account, from Meta (cached for minutes, refreshed by Meta's template webhooks).",
    args: {
      refresh: t.arg.boolean({ required: false, defaultValue: false, description: 'Read them from Meta now instead of the cache.' }),
      name: t.arg.string({ required: false, description: 'Only templates with this name.' }),
      status: t.arg({ type: TemplateStatusEnum, required: false, description: 'Only templates in this status.' }),
    },
    resolve: async (credential, args, ctx) => {
      const templates = await templateCatalog(ctx.deps)
        .list(credential, { refresh: args.refresh ?? false })
        .catch(metaFieldError);
      return templates.filter((d) => (!args.name || d.name === args.name) && (!args.status || statusOf(d.status) === args.status));
    },
  }),
}));
