import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/**', 'coverage/**', 'custom-elements.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ...lit.configs['flat/recommended'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/server/**/*.ts', 'demo/simulator/**/*.js', 'demo/*.mjs', 'scripts/**/*.mjs', 'bench/**/*.{ts,mjs}', 'test/node/**/*', 'test/support/**/*', 'test/fixtures/**/*', '*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['test/browser/**/*.ts', 'test/fake-mic/**/*.ts', 'test/voice/**/*.ts', 'test/support/**/*.ts', 'demo/*.js'],
    languageOptions: { globals: { ...globals.browser, ...globals.mocha } },
    // chai's property assertions (`expect(x).to.exist`) are expressions by design.
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    // Playwright scripts pass functions that run in the page.
    files: ['scripts/screenshots.mjs', 'test/node/e2e/**/*', 'bench/video*', 'bench/session*'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
