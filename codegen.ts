import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents, checked against the printed schema: `graphql(...)` calls in test/ (for the tests) and in
 * console/src (the admin console, built by Vite from the committed output).
 */
const documentTypes = {
  preset: 'client',
  presetConfig: { fragmentMasking: false },
  config: {
    useTypeImports: true,
    enumsAsTypes: true,
    scalars: { DateTime: 'string', JSON: 'unknown', ID: 'string' },
  },
} as const;

const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
  generates: {
    'test/generated/': { ...documentTypes, documents: ['test/**/*.ts', '!test/generated/**'] },
    'console/src/gql/': { ...documentTypes, documents: ['console/src/**/*.{ts,tsx}', '!console/src/gql/**'] },
  },
};

export default config;
