/**
 * Bundles one area's Lambda entry the way the API stack ships it: ESM for Node 22, minified, the
 * AWS SDK included, and zod's locales cut to English and Simplified Chinese (infra/bundle-plugins.ts).
 * Used by the NodejsFunction's afterBundling hook: `node --import tsx infra/bundle-area.ts <entry> <outfile>`.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { DOCS_ASSET_TYPES, swaggerUiDistDir } from '../functions/public/docs-assets';
import { PUBLISHED_DOCUMENT } from '../functions/public/published';
import { citysZodLocales } from './bundle-plugins';

export const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** Files an area serves besides its code: the public function's document and Swagger UI. */
function copyAssets(entry: string, outfile: string) {
  if (!entry.endsWith('functions/public/handler.ts')) return;
  const dir = join(dirname(outfile), 'docs-assets');
  mkdirSync(dir, { recursive: true });
  copyFileSync(resolve(import.meta.dirname, '../docs/openapi.json'), join(dir, PUBLISHED_DOCUMENT));
  for (const name of Object.keys(DOCS_ASSET_TYPES)) copyFileSync(join(swaggerUiDistDir(), name), join(dir, name));
}

/**
 * The AWS SDK is bundled with the code, not taken from the runtime: one tree-shaken file loads in
 * about half the time of the runtime's SDK resolved file by file (`npm run bench`: a bare Hono handler
 * with a DynamoDB client, 186 ms -> 55 to 71 ms here), and the function runs the SDK version the lock pins
 * and the tests ran. Clients an area loads on first use (KMS, S3, SNS, Secrets Manager) are split into
 * chunks beside `index.mjs`, so a cold start reads none of them.
 */
export async function bundleArea(entry: string, outfile: string) {
  copyAssets(entry, outfile);
  return build({
    entryPoints: { index: entry },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    sourcemap: true,
    mainFields: ['module', 'main'],
    banner: { js: CREATE_REQUIRE_BANNER },
    plugins: [citysZodLocales],
    metafile: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*[/\\]/, ''))) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    console.error('usage: bundle-area.ts <entry> <outfile>');
    process.exit(2);
  }
  await bundleArea(entry, outfile);
}
