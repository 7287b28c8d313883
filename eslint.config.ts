/**
 * Lint: TypeScript and Vue rules, plus the import directions of DESIGN.md §2 as zones, so a wrong import
 * fails the check instead of waiting for review:
 * components → composables → (stores, client) → protocol, server → protocol; nothing imports demo, desk,
 * tests; the server never imports UI.
 */
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'
import parley from './eslint/import-directions.mjs'

const zone = (target: string, from: string[], message: string) => ({ target, from, message })

export default tseslint.config(
  { ignores: ['dist/**', 'server/dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'tests/lint/fixtures/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    plugins: { parley },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/no-v-html': 'error',
      'vue/multi-word-component-names': 'off',
      'vue/require-default-prop': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'parley/import-directions': [
        'error',
        {
          zones: [
            zone('./src/protocol', ['./src/client', './src/stores', './src/composables', './src/components', './src/desk', './src/demo', './server', './tests'], 'src/protocol imports nothing outside itself.'),
            zone('./src/client', ['./src/stores', './src/composables', './src/components', './src/desk', './src/demo', './server', './tests'], 'src/client may import only src/protocol.'),
            zone('./src/stores', ['./src/client', './src/composables', './src/components', './src/desk', './src/demo', './server', './tests'], 'Stores hold state only: they may import src/protocol, never the client (no IO in stores).'),
            zone('./src/composables', ['./src/components', './src/desk', './src/demo', './server', './tests'], 'Composables sit below components.'),
            zone('./src/components', ['./src/client', './src/desk', './src/demo', './server', './tests'], 'Components reach the client through composables.'),
            zone('./server', ['./src/client', './src/stores', './src/composables', './src/components', './src/desk', './src/demo', './src/embed', './tests'], 'The server imports only src/protocol.'),
          ],
        },
      ],
    },
  },
)
