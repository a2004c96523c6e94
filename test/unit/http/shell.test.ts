import { createRoute, z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { newRouter } from '../../../functions/http/router';
import { createShell } from '../../../functions/http/shell';
import { RefusedError } from '../../../shared/errors';
import type { Logger } from '../../../shared/log/logger';
import { body } from '../../support/http';
import { silentLogger } from '../../support/silent-logger';

function appWithEchoRoute(logger: Logger = silentLogger) {
  const router = newRouter();
  router.openapi(
    createRoute({
      method: 'post',
      path: '/echo',
      request: {
        body: {
          required: true,
          content: {
            'application/json': {
              schema: z.strictObject({ amountFen: z.number().int().min(1), note: z.string().max(5) }),
            },
          },
        },
      },
      responses: { 200: { description: 'ok' } },
    }),
    (c) => c.json(c.req.valid('json'), 200),
  );
  router.get('/refuse', () => {
    throw new RefusedError('INSUFFICIENT_FUNDS', 'Not enough money', { balanceFen: 3 });
  });
  router.get('/boom', () => {
    throw new Error('secret internals: table onecard-main');
  });
  return createShell({ logger, maxBodyBytes: 1024 }, router);
}

const post = (app: ReturnType<typeof appWithEchoRoute>, body: string, contentType = 'application/json') =>
  app.request('/echo', { method: 'POST', body, headers: { 'content-type': contentType } });

describe('the HTTP shell', () => {
  it('passes a valid body through', async () => {
    const res = await post(appWithEchoRoute(), JSON.stringify({ amountFen: 5, note: 'hi' }));
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ amountFen: 5, note: 'hi' });
  });

  it('names every bad field by path, and refuses unknown fields', async () => {
    const res = await post(appWithEchoRoute(), JSON.stringify({ amountFen: 1.5, note: 'too long', extra: 1 }));
    expect(res.status).toBe(400);
    const json = await body(res);
    expect(json.error.code).toBe('VALIDATION_FAILED');
    expect(json.error.requestId).toEqual(expect.any(String));
    const paths = json.error.details.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['amountFen', 'extra', 'note']);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await post(appWithEchoRoute(), '{"amountFen": 5,');
    expect(res.status).toBe(400);
    expect((await body(res)).error.code).toBe('MALFORMED_JSON');
  });

  it('refuses a body sent as anything but JSON instead of skipping its validation', async () => {
    const res = await post(appWithEchoRoute(), 'amountFen=5', 'text/plain');
    expect(res.status).toBe(415);
    expect((await body(res)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await post(appWithEchoRoute(), JSON.stringify({ amountFen: 5, note: 'x'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect((await body(res)).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('maps a domain error through the status table with its details', async () => {
    const res = await appWithEchoRoute().request('/refuse');
    expect(res.status).toBe(422);
    expect((await body(res)).error).toMatchObject({ code: 'INSUFFICIENT_FUNDS', details: { balanceFen: 3 } });
  });

  it('hides the internals of an unexpected error behind a 500 with a request id, which its error line carries', async () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const keep = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields });
    const logger: Logger = { debug: keep, info: keep, warn: keep, error: keep };
    const res = await appWithEchoRoute(logger).request('/boom', { headers: { 'x-request-id': 'req-42' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('onecard-main');
    expect(JSON.parse(text).error).toMatchObject({ code: 'INTERNAL', requestId: 'req-42' });
    expect(lines.find((l) => l.message === 'unhandled error')?.fields).toMatchObject({ requestId: 'req-42' });
  });

  it('joins a request’s access log, its function lines and its answer on API Gateway’s request id', async () => {
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const keep = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields });
    const app = appWithEchoRoute({ debug: keep, info: keep, warn: keep, error: keep });
    // As hono/aws-lambda hands it over: the Lambda event in the environment.
    const lambda = { event: { requestContext: { requestId: 'apigw-Xy12' } } };
    const boom = await app.request('/boom', { headers: { 'x-request-id': 'from-the-client' } }, lambda);
    expect(boom.headers.get('x-request-id')).toBe('apigw-Xy12');
    expect((await body(boom)).error.requestId).toBe('apigw-Xy12');
    const ok = await app.request(
      '/echo',
      { method: 'POST', body: '{"amountFen":1,"note":"x"}', headers: { 'content-type': 'application/json' } },
      lambda,
    );
    expect(ok.headers.get('x-request-id')).toBe('apigw-Xy12');
    expect(lines.filter((l) => l.fields?.requestId === 'apigw-Xy12').map((l) => l.message)).toEqual([
      'unhandled error',
      'request',
      'request',
    ]);
  });

  it('answers an unknown route with the error object', async () => {
    const res = await appWithEchoRoute().request('/v1/nowhere');
    expect(res.status).toBe(404);
    expect((await body(res)).error.code).toBe('NOT_FOUND');
  });
});
