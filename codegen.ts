import type { CodegenConfig } from '@graphql-codegen/cli';

// The SDL in schema/ is the source of truth; resolver signatures are generated from it
// before every typecheck, test and start, so they cannot drift.
const config: CodegenConfig = {
  schema: 'schema/*.graphql',
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useIndexSignature: true,
        contextType: '../context.js#Context',
        // Campaign resolvers receive a vendor-neutral reference; each field loads its figures.
        mappers: { Campaign: '../domain.js#CampaignRef' },
        enumsAsTypes: true,
        defaultScalarType: 'unknown',
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
  hooks: { afterAllFileWrite: ['prettier --write --log-level warn'] },
};

export default config;
