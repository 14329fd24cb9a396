import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.quickship/**', 'deploy/**', 'infra/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        fetch: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        structuredClone: 'readonly',
        document: 'readonly',
        window: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // The CLI's launcher is CommonJS (packages/quickship/bin/package.json): it runs before
    // anything else at every start and must not pay for Node's ESM loader.
    files: ['packages/quickship/bin/**/*.cjs', 'packages/quickship/bin/quickship.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Layering of packages/quickship: the API depends on the engine, never the reverse; the pure
    // core imports neither (shared types and errors live in src/model.ts and src/errors.ts).
    files: ['packages/quickship/src/engine/**/*.ts', 'packages/quickship/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/api/*', '**/cli/*'], message: 'engine/ and core/ must not import from api/ or cli/' },
          ],
        },
      ],
    },
  },
);
