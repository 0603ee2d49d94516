// Lint rules: typescript-eslint's recommended set, floating promises as errors, and the workflow sandbox border.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bin/', '*.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node modules, no I/O libraries.
    files: ['src/workflows/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code cannot use Node modules.' })),
          patterns: [
            {
              group: [
                '@temporalio/activity',
                '@temporalio/client',
                '@temporalio/worker',
                'pg',
                'mysql2*',
                '@aws-sdk/*',
                'pino*',
                'zod',
                'yaml',
              ],
              message:
                'Workflow code may import only @temporalio/workflow, @temporalio/common and src/shared.',
            },
            {
              group: [
                '../activities',
                '../activities/*',
                '../engines*',
                '../storage*',
                '../config*',
                '../codec*',
                '../locks*',
                '../cli*',
              ],
              allowTypeImports: true,
              message: 'Workflows see activities by type only: use `import type`.',
            },
          ],
        },
      ],
    },
  },
  {
    // Small CommonJS helper scripts run directly by node.
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
