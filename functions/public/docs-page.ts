import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env';
import { DOCS_ASSET_TYPES, fileReader, isDocsAsset } from './docs-assets';

/**
 * /docs: Swagger UI (swagger-ui-dist, served from this stack) rendering /openapi.json. The content
 * security policy lets the page load only from this origin, so it works offline and no request
 * leaves the machine; the validator badge, which would call swagger.io, is switched off.
 */
const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>OneCard API</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head><body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body></html>`;

const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  validatorUrl: null,
  deepLinking: true,
  docExpansion: 'list',
  defaultModelsExpandDepth: 1,
  displayOperationId: true,
  // A search box over tags and operations: the operator's routes alone are over forty.
  filter: true,
  showExtensions: true,
  tryItOutEnabled: false,
});`;

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Mounts /docs and its files, read from `assetsDir` (swagger-ui-dist, or its copy beside a Lambda bundle). */
export function mountDocsPage(app: OpenAPIHono<AppEnv>, assetsDir: string) {
  const read = fileReader(assetsDir);
  const headers = (type: string) => ({
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cache-control': 'public, max-age=3600',
  });
  app.get('/docs', (c) => c.body(DOCS_HTML, 200, headers('text/html; charset=utf-8')));
  app.get('/docs/init.js', (c) => c.body(DOCS_INIT_JS, 200, headers('text/javascript; charset=utf-8')));
  app.get('/docs/:file', async (c) => {
    const name = c.req.param('file');
    if (!isDocsAsset(name)) return c.notFound();
    return c.body(new Uint8Array(await read(name)), 200, headers(DOCS_ASSET_TYPES[name]));
  });
}
