import type { KeyRing } from '../../shared/keys/keyring';
import type { Logger } from '../../shared/log/logger';
import type { BusinessMetrics } from '../../shared/observe/metrics';
import { createShell } from '../http/shell';
import { fileReader } from './docs-assets';
import { mountDocsPage } from './docs-page';
import { publicRoutes } from './routes';

/** The published document's file name among the public function's assets. */
export const PUBLISHED_DOCUMENT = 'openapi.json';

/**
 * The public function in the cloud: health, the JWKS, and the OpenAPI document rendered at build
 * time (docs/openapi.json, kept current by a test) with the page that renders it. It loads no other
 * area's routes, so its bundle and its cold start stay those of a small Hono app.
 */
export function publishedApi(
  deps: { clock: () => Date; keyRing: KeyRing; logger: Logger; metrics?: BusinessMetrics },
  assetsDir: string,
) {
  const app = createShell(
    { logger: deps.logger, ...(deps.metrics ? { metrics: deps.metrics } : {}) },
    publicRoutes(deps.clock, deps.keyRing),
  );
  const read = fileReader(assetsDir);
  app.get('/openapi.json', async (c) =>
    c.body(new Uint8Array(await read(PUBLISHED_DOCUMENT)), 200, { 'content-type': 'application/json' }),
  );
  mountDocsPage(app, assetsDir);
  return app;
}
