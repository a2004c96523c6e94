import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env';
import { mountDocsPage } from './docs-page';

/** `post /v1/admin/cards/{cardId}/freeze` -> `postAdminCardsByCardIdFreeze`: unique as method and path are. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .replace(/^\/v1\//, '/')
    .split(/[/.\-_]/)
    .filter(Boolean)
    .map((part) => {
      const param = /^\{(\w+)\}$/.exec(part);
      const word = param ? `by-${param[1]}` : part;
      return word
        .split('-')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('');
    });
  return `${method.toLowerCase()}${words.join('')}`;
}

/** Every operation gets an operationId (generated clients name their functions by it): its own, or one made of method and path. */
function fillOperationIds(app: OpenAPIHono<AppEnv>) {
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    def.route.operationId ??= operationIdOf(def.route.method, def.route.path);
  }
}

/** Serves the OpenAPI 3.1 document generated from every mounted route, and the page that renders it. */
export function mountOpenApi(app: OpenAPIHono<AppEnv>, docsAssetsDir: string) {
  fillOperationIds(app);
  app.openAPIRegistry.registerComponent('securitySchemes', 'citizen', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /v1/auth/token',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'machine', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'ES256 client assertion: iss = sub = clientId, aud = onecard, exp at most 5 minutes after iat, unique jti',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'operator', {
    type: 'http',
    scheme: 'bearer',
    description: 'Operator admin token (ONECARD_ADMIN_TOKEN locally)',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'iam', {
    type: 'apiKey',
    in: 'header',
    name: 'Authorization',
    description:
      'In the cloud, operator routes are signed with AWS Signature Version 4 by an IAM principal allowed execute-api:Invoke on them (checked by API Gateway; `aws` CLI, SDKs, or awscurl).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'webhookSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'OneCard-Signature',
    description:
      'The payment provider signs each event: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` under the shared secret, at most 5 minutes old. With openssl: `printf \'%s.%s\' "$t" "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex`.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    // Relative: the document serves whichever stack answers it (local, a stage, behind a custom domain).
    servers: [{ url: '/', description: 'This stack' }],
    info: {
      title: 'OneCard API',
      version: '1.0.0',
      description:
        "The city's mobile one-card: citizens, transit terminals, merchant POS, billers and operators. Money is integer fen. Errors: {error:{code,message,details,requestId}}.",
    },
  });
  mountDocsPage(app, docsAssetsDir);
  return app;
}
