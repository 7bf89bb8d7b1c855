import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Rules every transport shares (HTTP, SSE and graphql-ws all run yoga's
 * envelop plugins; the WebSocket path through yoga.getEnveloped). Yoga's own
 * disable-introspection plugin hooks the HTTP request parse, which a
 * WebSocket operation never passes through, so these hook validation itself.
 *
 * - Always: a validation error never quotes the literal it rejected. A token
 *   pasted unquoted (`apiToken: EAAB…`) or as a list (`apiToken: ["EAAB…"]`)
 *   would otherwise come back to its sender in "String cannot represent a
 *   non string value: …".
 * - Production: no introspection, and no "Did you mean …" (field, argument,
 *   type or enum value suggestions) in any error.
 */

// graphql-js messages that end with the rejected literal, printed.
const ECHOES: Array<[RegExp, (m: RegExpExecArray) => string]> = [
  [/^(.+ cannot represent (?:a )?non[- ].+? value): [\s\S]*$/, (m) => `${m[1]}.`],
  [/^(Expected value of type "[^"]+"), found [\s\S]*?(; [\s\S]*)?$/, (m) => `${m[1]}${m[2] ?? '.'}`],
  [/^Value "[\s\S]*" does not exist in "([^"]+)" enum\.([\s\S]*)$/, (m) => `The value does not exist in "${m[1]}" enum.${m[2]}`],
  [/^(Enum "[^"]+" cannot represent non-enum value): [\s\S]*?\.?( Did you mean[\s\S]*)?$/, (m) => `${m[1]}.${m[2] ?? ''}`],
];

const SUGGESTION = /\s*Did you mean [\s\S]*?\?/g;

function clean(text: string, production: boolean): string {
  let message = text;
  for (const [re, fix] of ECHOES) {
    const m = re.exec(message);
    if (m) {
      message = fix(m);
      break;
    }
  }
  return production ? message.replace(SUGGESTION, '') : message;
}

function rewrite(error: GraphQLError, production: boolean): GraphQLError {
  // 'Variable "$input" got invalid value {…} at "input.name"; <reason>': the value (maybe a token) is dropped,
  // the reason is cleaned like any message.
  const head = /^Variable "(\$[^"]+)" got invalid value /.exec(error.message);
  const reason = error.originalError?.message;
  let message: string;
  if (head && reason && error.message.endsWith(`; ${reason}`)) {
    const at = / at "([^"]*)"$/.exec(error.message.slice(0, -(reason.length + 2)))?.[1];
    message = `Variable "${head[1]}" got an invalid value${at ? ` at "${at}"` : ''}; ${clean(reason, production)}`;
  } else message = clean(error.message, production);
  if (message === error.message) return error;
  return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions: error.extensions });
}

export function errorHygienePlugin(options: { production: boolean }): Plugin {
  const cleanAll = <E>(errors: readonly E[]): E[] =>
    errors.map((e) => (e instanceof GraphQLError ? (rewrite(e, options.production) as E) : e));
  return {
    onValidate({ addValidationRule }) {
      if (options.production) addValidationRule(NoSchemaIntrospectionCustomRule);
      return ({ result, setResult }) => {
        if (result.length) setResult(cleanAll(result));
      };
    },
    onExecute() {
      return {
        // Variable coercion errors ("… Did you mean the enum value …") are made during execute.
        onExecuteDone({ result, setResult }) {
          if ('errors' in result && result.errors?.length) setResult({ ...result, errors: cleanAll(result.errors) });
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if ('errors' in result && result.errors?.length) setResult({ ...result, errors: cleanAll(result.errors) });
        },
      };
    },
  };
}
