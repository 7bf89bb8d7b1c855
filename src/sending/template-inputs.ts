import { builder } from '../graphql/builder.js';
import type { TemplateInput } from './template-content.js';

/** GraphQL inputs of a template send: the positional shorthands and every form Meta takes (FACTS §6). */

const personalized = ' May use {{profile.<path>}}.';

const CurrencyInput = builder.inputType('WhatsAppTemplateCurrencyInput', {
  description: 'A currency parameter: Meta formats the amount for the recipient’s locale.',
  fields: (t) => ({
    code: t.string({ required: true, description: 'ISO 4217 code, e.g. USD.' }),
    amount1000: t.int({ required: true, description: 'The amount times 1000, e.g. 35000 for 35.00.' }),
    fallbackValue: t.string({ required: true, description: `The text shown where Meta cannot format it, e.g. $35.00.${personalized}` }),
  }),
});

const DateTimeInput = builder.inputType('WhatsAppTemplateDateTimeInput', {
  description: 'A date_time parameter.',
  fields: (t) => ({
    fallbackValue: t.string({ required: true, description: `The date as text, e.g. May 2, 2026.${personalized}` }),
  }),
});

const ParameterInput = builder.inputType('WhatsAppTemplateParameterInput', {
  description: 'One body parameter: exactly one of text, currency, dateTime; name is required for a NAMED template and absent otherwise.',
  fields: (t) => ({
    name: t.string({ required: false, description: 'The variable name of a NAMED template, e.g. first_name for {{first_name}}.' }),
    text: t.string({ required: false, description: `A text value.${personalized}` }),
    currency: t.field({ type: CurrencyInput, required: false, description: 'A currency value.' }),
    dateTime: t.field({ type: DateTimeInput, required: false, description: 'A date_time value.' }),
  }),
});

const MediaInput = builder.inputType('WhatsAppTemplateMediaInput', {
  description: 'A header media: exactly one of link (a public http(s) URL) and id (a media id from Meta’s upload).',
  fields: (t) => ({
    link: t.string({ required: false, description: 'A public http(s) URL Meta downloads.' }),
    id: t.string({ required: false, description: 'A media id returned by Meta’s media upload.' }),
    filename: t.string({ required: false, description: 'The file name shown for a document.' }),
  }),
});

const HeaderInput = builder.inputType('WhatsAppTemplateHeaderInput', {
  description: "The header's parameter: exactly one of text, image, video, document (as the template's header format).",
  fields: (t) => ({
    name: t.string({ required: false, description: 'The variable name of a NAMED text header.' }),
    text: t.string({ required: false, description: `The text header's variable value (at most 60 characters).${personalized}` }),
    image: t.field({ type: MediaInput, required: false, description: 'An IMAGE header.' }),
    video: t.field({ type: MediaInput, required: false, description: 'A VIDEO header.' }),
    document: t.field({ type: MediaInput, required: false, description: 'A DOCUMENT header.' }),
  }),
});

const ButtonInput = builder.inputType('WhatsAppTemplateButtonInput', {
  description: "A button's parameter, by the button's index in the template: exactly one of quickReplyPayload, urlSuffix, copyCode.",
  fields: (t) => ({
    index: t.int({ required: true, description: "The button's position in the template, from 0." }),
    quickReplyPayload: t.string({ required: false, description: `What a QUICK_REPLY button sends back when tapped.${personalized}` }),
    urlSuffix: t.string({ required: false, description: `The variable end of a URL button's address.${personalized}` }),
    copyCode: t.string({ required: false, description: `The code of a COPY_CODE button (at most 15 characters).${personalized}` }),
  }),
});

export const TemplateInputType = builder.inputType('WhatsAppTemplateInput', {
  description:
    'An approved template: name, language and its parameters. POSITIONAL templates take bodyParameters (or body without names); NAMED templates take body with a name on every parameter. Text values may use {{profile.<path>}}.',
  fields: (t) => ({
    name: t.string({ required: true, description: "The template's name as approved by Meta, e.g. order_update." }),
    languageCode: t.string({ required: true, description: 'The language it was approved in, e.g. en_US.' }),
    bodyParameters: t.stringList({
      required: false,
      description: "Values of a POSITIONAL body's variables {{1}}, {{2}} … in order (at most 100); or use body.",
    }),
    headerParameters: t.stringList({ required: false, description: "The value of a text header's variable (at most 1); or use header." }),
    body: t.field({
      type: [ParameterInput],
      required: false,
      description: 'Body parameters with names (NAMED templates), currency or date_time values; instead of bodyParameters.',
    }),
    header: t.field({
      type: HeaderInput,
      required: false,
      description: "The header's parameter (text or media); instead of headerParameters.",
    }),
    buttons: t.field({
      type: [ButtonInput],
      required: false,
      description: 'Button parameters: quick-reply payloads, URL suffixes, copy codes.',
    }),
  }),
});

type Maybe<T> = T | null | undefined;
type Given = {
  name: string;
  languageCode: string;
  bodyParameters?: Maybe<string[]>;
  headerParameters?: Maybe<string[]>;
  body?: Maybe<TemplateInput['body']>;
  header?: Maybe<TemplateInput['header']>;
  buttons?: Maybe<TemplateInput['buttons']>;
};

/** The decoded GraphQL input as the service takes it. */
export function templateOf(input: Maybe<Given>): TemplateInput | null | undefined {
  if (!input) return input;
  return { ...input };
}
