import type { GraphQLScalarType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { getSchema } from '../../src/service/schema.js';

/**
 * The API's DateTime answers ISO-8601 strings in UTC, the JSON a Date would have become, and keeps graphql-scalars'
 * validation and input parsing (src/graphql/builder.ts).
 */
const DateTime = getSchema().getType('DateTime') as GraphQLScalarType;

describe('the DateTime scalar', () => {
  it('serializes a Date as its ISO string, the same text JSON.stringify gives the Date', () => {
    const at = new Date(Date.UTC(2026, 11, 7, 13, 4, 5, 678));
    expect(DateTime.serialize(at)).toBe('2026-12-07T13:04:05.678Z');
    expect(JSON.stringify({ at: DateTime.serialize(at) })).toBe(JSON.stringify({ at }));
  });

  it('still refuses an invalid Date and normalizes a valid date-time string', () => {
    expect(() => DateTime.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(() => DateTime.serialize('yesterday')).toThrow();
    expect(DateTime.serialize('2026-12-07T14:04:05.678+01:00')).toBe('2026-12-07T13:04:05.678Z');
  });

  it('parses input into a Date as before', () => {
    expect(DateTime.parseValue('2026-12-07T13:04:05.678Z')).toEqual(new Date(Date.UTC(2026, 11, 7, 13, 4, 5, 678)));
  });
});
