import tseslint from 'typescript-eslint';

/** Packages that must run unchanged in Node and browsers: no platform modules, no runtimes imported eagerly. */
const PLATFORM_NEUTRAL_SOURCES = ['config', 'features', 'models', 'pipelines', 'training', 'legacy-compat'].map(
  (name) => `packages/${name}/src/**/*.ts`,
);

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.d.ts', '**/.cache/**', 'apps/examples/web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false }],
    },
  },
  {
    // Type-aware rules: a promise nobody awaits (its rejection lost) or one passed where a plain value or a void
    // callback is expected. Each package's tsconfig.json (src, test, bench) gives the types.
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: PLATFORM_NEUTRAL_SOURCES,
    ignores: ['packages/*/src/node/**', 'packages/*/src/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Core packages are platform-neutral: inject platform services instead.' },
            { group: ['fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url'], message: 'Core packages are platform-neutral.' },
            { group: ['onnxruntime-*', '@noise-classifier/runtime-*'], message: 'Runtimes are injected or registered, never imported by core packages.' },
          ],
        },
      ],
    },
  },
  {
    // src/web/: the browser/bundler platform entries (pipelines' `#default-runtime` default condition) may import
    // runtime-web, but stay free of Node modules.
    files: ['packages/*/src/web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'url'], message: 'Browser entries cannot use Node modules.' },
            { group: ['onnxruntime-node', '@noise-classifier/runtime-node'], message: 'Browser entries use runtime-web.' },
          ],
        },
      ],
    },
  },
);
