import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'db/migrations', 'coverage', '.stryker-tmp', 'reports'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through server/env.ts.' }],
    },
  },
  {
    // Route files stay thin: they validate, call a service verb and map errors (docs/adr/0001).
    files: ['server/http/routes/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/db/client', 'drizzle-orm', 'postgres'], message: 'Routes call services; services own the database.' }] }],
    },
  },
  {
    // xss-scan (npm run lint) lets a `safe…` name or an `as 'safe'` cast through unescaped; pages may
    // use neither, so escaping is always the `safe` attribute or escapeHtml (docs/adr/0004).
    files: ['server/pages/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "TSAsExpression > TSLiteralType > Literal[value='safe']", message: "Escape with the safe attribute instead of casting to 'safe'." },
        { selector: 'JSXExpressionContainer > Identifier[name=/^safe/]', message: 'A name starting with safe skips the XSS scan; escape with the safe attribute instead.' },
        { selector: 'JSXExpressionContainer > MemberExpression[property.name=/^safe/]', message: 'A name starting with safe skips the XSS scan; escape with the safe attribute instead.' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through server/env.ts.' },
      ],
    },
  },
  {
    files: ['server/env.ts', 'test/**/*.ts', 'bench/**/*.ts', 'drizzle.config.ts', 'vitest.config.ts', 'seeds/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
