import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { OneCardError } from '../../shared/errors';
import type { Logger } from '../../shared/log/logger';
import type { AppEnv } from './env';
import { noRoute, onError } from './error-response';
import type { Router } from './router';

/** The largest body any route takes: a 500-tap offline batch of ~2.5 KB taps fits with room to spare. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ShellOptions {
  logger: Logger;
  maxBodyBytes?: number;
}

/**
 * The HTTP shell every deployment shares: request ids, access logs, the body limit, the one error
 * handler and the 404. Area routers are mounted into it, once per Lambda or all at once locally.
 */
export function createShell({ logger, maxBodyBytes = MAX_BODY_BYTES }: ShellOptions, ...routers: Router[]) {
  const app = new OpenAPIHono<AppEnv>();
  app.use(requestId({ headerName: 'x-request-id', limitLength: 64 }));
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('logger', logger);
    await next();
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
        throw new OneCardError('PAYLOAD_TOO_LARGE', `The body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  for (const router of routers) app.route('/', router);
  app.onError(onError);
  app.notFound(noRoute(() => app.routes));
  return app;
}
