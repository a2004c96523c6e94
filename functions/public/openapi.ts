import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { InvariantError } from '../../shared/errors';
import { CITIZEN_AUTH_STATUSES, OPERATOR_AUTH_STATUSES } from '../http/auth';
import type { AppEnv } from '../http/env';
import { MACHINE_AUTH_STATUSES } from '../http/machine-auth';
import { type ErrorResponseStatus, errorResponses } from '../http/schemas';
import { mountDocsPage } from './docs-page';

/**
 * The verbs an operation's name starts with: a typed client's users read these names all day, so each
 * says what the call does (`freezeCard`, `listMyJourneys`, `startSettlementRun`), never its path.
 */
export const OPERATION_VERBS = [
  'get',
  'list',
  'find',
  'look',
  'start',
  'open',
  'close',
  'issue',
  'request',
  'register',
  'add',
  'publish',
  'upload',
  'report',
  'take',
  'pay',
  'fund',
  'adjust',
  'set',
  'verify',
  'check',
  'freeze',
  'unfreeze',
  'disable',
  'rekey',
  'revoke',
  'remove',
  'rotate',
  'release',
  'reverse',
  'refund',
  'receive',
] as const;
const OPERATION_NAME = new RegExp(`^(${OPERATION_VERBS.join('|')})[A-Z][A-Za-z0-9]*$`);

/** Every route names its own operation, verb first: a route without one fails the document (and every test of it). */
function assertOperationIds(app: OpenAPIHono<AppEnv>) {
  for (const def of app.openAPIRegistry.definitions) {
    if (def.type !== 'route') continue;
    const { method, path, operationId } = def.route;
    if (!operationId || !OPERATION_NAME.test(operationId)) {
      throw new InvariantError(`${method} ${path} needs an operationId that starts with a verb, not ${operationId}`);
    }
  }
}

type RouteConfig = Extract<OpenAPIHono<AppEnv>['openAPIRegistry']['definitions'][number], { type: 'route' }>['route'];

const header = (description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ description, schema });
const REQUEST_ID = header('This request’s id: the error object’s requestId, and the id in the service’s logs', {
  type: 'string',
  maxLength: 64,
});
const RETRY_AFTER = header('Seconds to wait before retrying', { type: 'integer', minimum: 0 });
const REPLAYED = header('true when this is the first answer to this Idempotency-Key again', {
  type: 'string',
  enum: ['true'],
});

/** What each security scheme's middleware answers before any route under it runs. */
const AUTH_STATUSES: Record<string, readonly ErrorResponseStatus[]> = {
  citizen: CITIZEN_AUTH_STATUSES,
  machine: MACHINE_AUTH_STATUSES,
  operator: OPERATOR_AUTH_STATUSES,
  iam: OPERATOR_AUTH_STATUSES,
};

/**
 * What every operation answers besides its own schemas, said in the document as the shell does it:
 * `x-request-id` on every response, `Retry-After` on 429 and 503, `Idempotent-Replayed` where an
 * Idempotency-Key is taken, a 400 wherever a parameter or body can be refused, and what its security's
 * middleware answers (a machine route's 401, 403, 429 and 503, from machine-auth.ts).
 */
function completeResponses(route: RouteConfig) {
  const request = route.request ?? {};
  const refusable = request.params || request.query || request.body || request.headers;
  const fromAuth = (route.security ?? []).flatMap((s) => Object.keys(s).flatMap((name) => AUTH_STATUSES[name] ?? []));
  const takesKey = request.headers instanceof z.ZodObject && 'idempotency-key' in request.headers.shape;
  const missing = [...(refusable ? [400 as const] : []), ...fromAuth].filter((s) => !route.responses[s]);
  route.responses = { ...errorResponses(...new Set(missing)), ...route.responses };
  for (const [status, response] of Object.entries(route.responses)) {
    if ('$ref' in response) continue;
    response.headers = {
      'x-request-id': REQUEST_ID,
      ...(status === '429' || status === '503' ? { 'Retry-After': RETRY_AFTER } : {}),
      ...(takesKey && Number(status) < 500 ? { 'Idempotent-Replayed': REPLAYED } : {}),
      ...(status === '405' ? { Allow: header('The methods this path takes') } : {}),
      ...(response.headers as object | undefined),
    };
  }
}

/** Serves the OpenAPI 3.1 document generated from every mounted route, and the page that renders it. */
export function mountOpenApi(app: OpenAPIHono<AppEnv>, docsAssetsDir: string) {
  assertOperationIds(app);
  for (const def of app.openAPIRegistry.definitions) if (def.type === 'route') completeResponses(def.route);
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
