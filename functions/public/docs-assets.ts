import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The files /docs serves: Swagger UI from the npm package swagger-ui-dist, and the OpenAPI document
 * the cloud's public function publishes (rendered at build time, docs/openapi.json). Only these
 * names are served; nothing is fetched from anywhere else.
 */
export const DOCS_ASSET_TYPES = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;
export type DocsAssetName = keyof typeof DOCS_ASSET_TYPES;

export const isDocsAsset = (name: string): name is DocsAssetName => Object.hasOwn(DOCS_ASSET_TYPES, name);

/** Where swagger-ui-dist lies on a machine with node_modules (the local stack, tests, the bundler). */
export function swaggerUiDistDir(): string {
  return dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** Reads each file once per process: they never change while it runs. */
export function fileReader(dir: string) {
  const cache = new Map<string, Promise<Buffer>>();
  return (name: string) => {
    let file = cache.get(name);
    if (!file) {
      file = readFile(join(dir, name));
      file.catch(() => cache.delete(name));
      cache.set(name, file);
    }
    return file;
  };
}
