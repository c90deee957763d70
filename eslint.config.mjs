// ESLint: type-checked rules from typescript-eslint, and the import rule of docs/ARCHITECTURE.md ("Dependency rules").
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Folders every module may import from freely: the foundation and the case kernel. */
const SHARED = ['common', 'config', 'database', 'queues', 'cases'];

/** What a module shows other modules: its service, its Nest module, its ports and its DTOs. */
const PUBLIC_SURFACE = ['*.service.ts', '*.module.ts', '*.port.ts', 'dto/**'];

export default defineConfig(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**', 'test/bench/results/**'] },

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Prettier decides line breaks; it puts a computed call such as t.http()[method](url) on its own line
      'no-unexpected-multiline': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Files with decorators keep value imports: with emitDecoratorMetadata a constructor parameter's or a DTO
      // field's type is read at run time (Nest injection, class-validator), and the rule skips those files.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      // an exhaustive switch's default names the impossible value in its error
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNever: true }],
      // passing on a rejection reason received from elsewhere is not inventing a non-Error one
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },

  // The module boundary: src/<module>/ imports another module only through its public surface.
  // The composition roots (src/*.ts: app.module, main, worker, bootstrap; src/cli) wire everything and may import anything.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/*.ts', 'src/cli/**'],
    plugins: { boundaries },
    settings: {
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
      'boundaries/include': ['src/**/*.ts'],
      // re-exports and dynamic imports cross a boundary as much as imports do
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
      'boundaries/elements': [
        { type: 'shared', pattern: `src/{${SHARED.join(',')}}`, capture: ['name'] },
        { type: 'module', pattern: 'src/*', capture: ['name'] },
      ],
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'allow',
          policies: [
            {
              from: { element: { types: ['module', 'shared'] } },
              disallow: { to: { element: { type: 'module', captured: { name: '!{{from.captured.name}}' } } } },
              message:
                'src/{{from.captured.name}} may import src/{{to.captured.name}} only through its *.service.ts, *.module.ts, *.port.ts or dto/ (docs/ARCHITECTURE.md, "Dependency rules")',
            },
            {
              from: { element: { types: ['module', 'shared'] } },
              allow: { to: { element: { type: 'module', fileInternalPath: PUBLIC_SURFACE } } },
            },
          ],
        },
      ],
    },
  },

  // Tests and benchmarks may import anything; the promise rules still hold there. Response bodies are untyped (any)
  // and stubs implement async interfaces without awaiting, so those rules would only be noise in tests.
  {
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },

  // Plain JavaScript configuration files are not part of the TypeScript project.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs' },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module' } },
);
