import fs from 'node:fs';
import { isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/service/print-schema.js';
import { getSchema, printSortedSchema } from '../../src/service/schema.js';

const userTypes = () =>
  Object.values(getSchema().getTypeMap()).filter(
    (t) => !t.name.startsWith('__') && !['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name),
  );

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema:print` after changing types)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(printSortedSchema());
  });

  it('returns no secret: no output field is named like a token or secret except …Last4 and the ADMIN-only verify token', () => {
    const offending: string[] = [];
    for (const type of userTypes()) {
      // Mutation fields are operations (e.g. rotateWhatsAppWebhookVerifyToken); what they return is checked as its own type.
      if ((!isObjectType(type) && !isInterfaceType(type)) || type.name === 'Mutation') continue;
      for (const field of Object.keys(type.getFields())) {
        if (/token|secret|password/i.test(field) && !/Last4$|ExpiresAt$|Type$|Scopes$/.test(field) && field !== 'verifyToken') {
          offending.push(`${type.name}.${field}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });

  it('describes every type and field (relay connection and edge wrappers aside)', () => {
    const undocumented: string[] = [];
    for (const type of userTypes()) {
      if (/Connection(Edge)?$/.test(type.name)) continue;
      if (!type.description) undocumented.push(type.name);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          // The errors plugin's generated success wrappers carry `data`; their type says the rest.
          const generated =
            ['pageInfo', 'edges', 'cursor', 'node'].includes(field.name) || (type.name.endsWith('Success') && field.name === 'data');
          if (!field.description && !generated) undocumented.push(`${type.name}.${field.name}`);
        }
      }
    }
    expect(undocumented).toEqual([]);
  });
});
