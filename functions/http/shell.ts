import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { RequestFormError } from '../../shared/errors';
import type { Logger } from '../../shared/log/logger';
import { type BusinessMetrics, noMetrics } from '../../shared/observe/metrics';
import type { AppEnv } from './env';
import { noRoute, onError } from './error-response';
import type { Router } from './router';

/** The largest body any route takes: a 500-tap offline batch of ~2.5 KB taps fits with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ShellOptions {
  logger: Logger;
  /** Where answers of 5xx are counted (a function that answers 500 has not failed, as Lambda sees it). */
  metrics?: BusinessMetrics;
  maxBodyBytes?: number;
}

/**
 * The HTTP shell every deployment shares: request ids, access logs, the body limit, the one error
 * handler and the 404. Area routers are mounted into it, once per Lambda or all at once locally.
 */
export function createShell(
  { logger, metrics = noMetrics, maxBodyBytes = MAX_BODY_BYTES }: ShellOptions,
  ...routers: Router[]
) {
  const app = new OpenAPIHono<AppEnv>();
  // In the cloud, API Gateway's own request id: the one its access log carries, so the access log,
  // the function's lines and the answer's x-request-id join on one id. Locally a caller's x-request-id
  // (64 characters at most) or a fresh one.
  app.use(
    requestId({
      headerName: 'x-request-id',
      limitLength: 64,
      generator: (c) => apiGatewayRequestId(c) ?? crypto.randomUUID(),
    }),
  );
  app.use(async (c, next) => {
    const gateway = apiGatewayRequestId(c);
    if (gateway) c.set('requestId', gateway);
    await next();
    c.header('x-request-id', c.get('requestId'));
  });
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('logger', logger);
    await next();
    if (c.res.status >= 500) metrics.add('Http5xx', 1);
    logger.info('request', {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    });
  });
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new RequestFormError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  for (const router of routers) app.route('/', router);
  app.onError(onError);
  app.notFound(noRoute(() => app.routes));
  return app;
}

/** The request id API Gateway gave this request (the Lambda event's), when there is one. */
function apiGatewayRequestId(c: Context): string | undefined {
  const id = (c.env as { event?: { requestContext?: { requestId?: unknown } } } | undefined)?.event?.requestContext
    ?.requestId;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}
