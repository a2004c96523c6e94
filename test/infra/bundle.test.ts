import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleArea } from '../../infra/bundle-area';

let dir: string;
let handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
let size: number;

const event = (method: string, path: string, body?: object) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', host: 'api.example.cn' },
  requestContext: {
    http: { method, path, sourceIp: '203.0.113.9' },
    requestId: 'r-1',
    stage: '$default',
    domainName: 'api.example.cn',
  },
  isBase64Encoded: false,
  ...(body ? { body: JSON.stringify(body) } : {}),
});

beforeAll(async () => {
  // Prepare: the public function's bundle as shipped, with the environment the stack gives it.
  dir = mkdtempSync(join(tmpdir(), 'onecard-bundle-'));
  const outfile = join(dir, 'index.mjs');
  await bundleArea('functions/public/handler.ts', outfile);
  size = statSync(outfile).size;
  Object.assign(process.env, {
    TABLE_NAME: 'bundle-test',
    ONECARD_ISSUER: 'https://onecard.test',
    SIGNING_KEY_IDS: 'a,b,c',
    AWS_REGION: 'cn-north-1',
  });
  handler = (await import(pathToFileURL(outfile).href)).handler;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped Lambda bundle', () => {
  it('answers through API Gateway events, without zod’s other locales', async () => {
    // The public function builds every area's routes to serve their OpenAPI document (now with
    // facilities, outlets and settlement): 451 KB. Without zod's other locales it stayed under 600 KB;
    // with them it would be ~720 KB. Serving a document rendered at build time would shrink it (issue 13).
    expect(size).toBeLessThan(600_000);
    const health = await handler(event('GET', '/v1/health'));
    expect(health.statusCode).toBe(200);
    const doc = JSON.parse((await handler(event('GET', '/openapi.json'))).body);
    expect(doc.openapi).toBe('3.1.0');
  });

  it('still explains validation errors in English', async () => {
    const res = await handler(event('POST', '/v1/auth/otp', { phone: 42 }));
    expect(res.statusCode).toBe(400);
    const error = JSON.parse(res.body).error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues[0]).toEqual({
      path: 'phone',
      message: expect.stringMatching(/^Invalid input: expected string/),
    });
  });
});
