import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { GraphQLError, isObjectType, type GraphQLSchema } from 'graphql';

/**
 * The one id rule of the API (docs/api.md, "Ids"):
 * - node(id:) / nodes(ids:) answer null for each id that is malformed, of no node type, or not yours;
 * - every other argument (filters, mutation inputs, references, subscriptions) given a malformed id,
 *   or the id of another type, fails with a top-level BAD_USER_INPUT error naming the argument;
 * - a well-formed id of the right type that is not in your sandbox is "not found", as the field says
 *   (NotFoundError in a mutation result, NOT_FOUND for a subscription, nothing for a filter).
 * Every resolver decodes ids through this file so the rule cannot drift between domains.
 */

export interface GlobalId {
  typename: string;
  id: string;
}

const MAX_ECHO = 60;

/**
 * A global id → its parts, or null when it is not one. Only the exact encoding the API hands out is
 * accepted: Buffer's base64 decoder skips junk, so a round trip guards against garbage that decodes.
 */
export function parseGlobalId(raw: string): GlobalId | null {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const decoded = decodeGlobalID(raw);
    return encodeGlobalID(decoded.typename, decoded.id) === raw ? decoded : null;
  } catch {
    return null;
  }
}

/** For node(id:)/nodes(ids:): the id of an object type implementing Node, or null (answered as null). */
export function parseNodeId(raw: string, schema: GraphQLSchema): GlobalId | null {
  const parsed = parseGlobalId(raw);
  if (!parsed) return null;
  const type = schema.getType(parsed.typename);
  if (!isObjectType(type) || !type.getInterfaces().some((i) => i.name === 'Node')) return null;
  return parsed;
}

function echo(raw: string): string {
  return JSON.stringify(raw.length > MAX_ECHO ? `${raw.slice(0, MAX_ECHO)}…` : raw);
}

/** The top-level error for an argument that is not an id of the expected type. */
export function badIdError(argument: string, raw: string, expected: readonly string[]): GraphQLError {
  const wanted = expected.join(' or ');
  const parsed = parseGlobalId(raw);
  const message = parsed
    ? `${argument} is a ${parsed.typename} id; it needs the id of a ${wanted}.`
    : `${argument} is not a valid id: ${echo(raw)}. Pass the id field of a ${wanted} as the API returned it.`;
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', argument, expectedType: wanted } });
}

/** A global id of one of `typenames` → its raw id; anything else is a BAD_USER_INPUT error naming `argument`. */
export function decodeId(raw: string, typenames: string | readonly string[], argument: string): string {
  const expected = typeof typenames === 'string' ? [typenames] : typenames;
  const parsed = parseGlobalId(raw);
  if (parsed && expected.includes(parsed.typename)) return parsed.id;
  throw badIdError(argument, raw, expected);
}

/** Like decodeId for an optional argument: null/undefined pass through unchanged. */
export function decodeOptionalId<T extends null | undefined>(
  raw: string | T,
  typenames: string | readonly string[],
  argument: string,
): string | T {
  if (raw === null || raw === undefined) return raw as T;
  return decodeId(raw, typenames, argument);
}

/** A list of ids, each decoded with the rule above; the error names the position, e.g. input.ids.2. */
export function decodeIds(raws: readonly string[], typenames: string | readonly string[], argument: string): string[] {
  return raws.map((raw, i) => decodeId(raw, typenames, `${argument}.${i}`));
}

/** The global id the API hands out for a raw id (the inverse of decodeId). */
export function toGlobalId(typename: string, id: string): string {
  return encodeGlobalID(typename, id);
}
