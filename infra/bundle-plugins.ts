import type { Plugin } from 'esbuild';

/**
 * zod 4 re-exports every locale (`export * as locales`), and the `z` namespace that
 * @hono/zod-openapi passes around keeps them all: about 260 KB of a 580 KB Lambda bundle. OneCard
 * speaks English and Simplified Chinese (a zh-CN caller reads zod's field messages in Chinese), so the
 * locale index is replaced by one that exports those two only.
 */
export const citysZodLocales: Plugin = {
  name: 'onecard-city-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/\\]zod[/\\]/.test(args.importer) ? { path: 'zod-english-locales', namespace: 'onecard' } : undefined,
    );
    build.onLoad({ filter: /^zod-english-locales$/, namespace: 'onecard' }, () => ({
      contents: [
        `export { default as en } from 'zod/v4/locales/en.js';`,
        `export { default as zhCN } from 'zod/v4/locales/zh-CN.js';`,
      ].join('\n'),
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
};
