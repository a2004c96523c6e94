import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env';
import { DOCS_HTML } from './docs-page';

/** Serves the OpenAPI 3.1 document generated from every mounted route, and the page that renders it. */
export function mountOpenApi(app: OpenAPIHono<AppEnv>) {
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
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'OneCard API',
      version: '1.0.0',
      description:
        "The city's mobile one-card: citizens, transit terminals, merchant POS, billers and operators. Money is integer fen. Errors: {error:{code,message,details,requestId}}.",
    },
  });
  app.get('/docs', (c) => c.html(DOCS_HTML));
  return app;
}
