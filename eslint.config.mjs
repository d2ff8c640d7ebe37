import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '**/dist/', 'coverage/', 'test-results/', 'public/mockServiceWorker.js', 'node_modules/', '.vitest-attachments/', 'docs/api/'] },
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
  {
    // Declarations of script-tag globals: `declare var` is what makes them properties of `window`; the
    // snippets' context reads the built globals file, which has no module to import.
    files: ['src/globals/*.d.ts', 'test/snippets/*.d.ts'],
    rules: { 'no-var': 'off', '@typescript-eslint/triple-slash-reference': 'off' },
  },
);
