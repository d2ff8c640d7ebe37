import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'coverage/', 'test-results/', 'public/mockServiceWorker.js', 'node_modules/', '.vitest-attachments/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      // tsc (with checkJs for the sandbox's .mjs files) already reports undefined names, with real types.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // Tests index into arrays they have just checked the length of, and delete fields to build bad input.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@typescript-eslint/no-dynamic-delete': 'off' },
  },
);
