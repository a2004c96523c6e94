import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleArea } from '../../infra/bundle-area';

type Handler = (event: unknown) => Promise<{ statusCode: number; body: string; headers?: Record<string, string> }>;
let dir: string;
let publicHandler: Handler;
let citizenHandler: Handler;
let publicInputs: string[];

const event = (method: string, path: string, body?: object, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: `${method} ${path}`,
  rawPath: path,
  rawQueryString: '',
  headers: { 'content-type': 'application/json', host: 'api.example.cn', ...headers },
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
  const bundled = async (area: string) => {
    const outfile = join(dir, area, 'index.mjs');
    const { metafile } = await bundleArea(`functions/${area}/handler.ts`, outfile);
    return { outfile, inputs: Object.keys(metafile.inputs) };
  };
  const publicBundle = await bundled('public');
  const citizenFile = (await bundled('citizen')).outfile;
  const publicFile = publicBundle.outfile;
  publicInputs = publicBundle.inputs;
  Object.assign(process.env, {
    TABLE_NAME: 'bundle-test',
    ONECARD_ISSUER: 'https://onecard.test',
    SIGNING_KEY_IDS: 'a,b,c',
    AWS_REGION: 'cn-north-1',
  });
  publicHandler = (await import(pathToFileURL(publicFile).href)).handler;
  citizenHandler = (await import(pathToFileURL(citizenFile).href)).handler;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the shipped Lambda bundle', () => {
  it('publishes the document rendered at build time and the docs page, without the other areas’ routes', async () => {
    // It used to build every area's routes to render the document itself. Now it serves
    // docs/openapi.json, copied beside the bundle with Swagger UI's files, and holds no other area.
    const areas = publicInputs.flatMap((path) => path.match(/^functions\/(\w+)\//)?.[1] ?? []);
    expect(new Set(areas)).toEqual(new Set(['public', 'http']));
    // The AWS SDK ships inside it, not taken from the runtime.
    expect(publicInputs.some((path) => path.includes('@aws-sdk/client-dynamodb'))).toBe(true);
    const health = await publicHandler(event('GET', '/v1/health'));
    expect(health.statusCode).toBe(200);
    const doc = JSON.parse((await publicHandler(event('GET', '/openapi.json'))).body);
    expect(doc).toEqual(JSON.parse(readFileSync('docs/openapi.json', 'utf8')));
    const page = await publicHandler(event('GET', '/docs'));
    expect(page.body).toContain('/docs/swagger-ui-bundle.js');
    const css = await publicHandler(event('GET', '/docs/swagger-ui.css'));
    expect(css.statusCode).toBe(200);
    expect((await publicHandler(event('GET', '/docs/package.json'))).statusCode).toBe(404);
    expect((await publicHandler(event('GET', '/v1/me/card'))).statusCode).toBe(404);
  });

  it('logs each request with its Lambda context and API Gateway’s request id, the id its answer carries', async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const context = {
      functionName: 'CitizenArea',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:123456789012:function:CitizenArea',
      memoryLimitInMB: '1024',
      awsRequestId: 'lambda-req-7',
      getRemainingTimeInMillis: () => 10_000,
    };
    let res: Awaited<ReturnType<Handler>>;
    try {
      res = await (citizenHandler as (e: unknown, c: unknown) => ReturnType<Handler>)(
        event('POST', '/v1/auth/otp', { phone: 42 }),
        context,
      );
    } finally {
      process.stdout.write = write;
    }
    expect(res.headers?.['x-request-id']).toBe('r-1');
    const request = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'request');
    expect(request).toMatchObject({
      requestId: 'r-1',
      correlation_id: 'r-1',
      function_request_id: 'lambda-req-7',
      service: 'citizen',
      status: 400,
    });
    expect(request.cold_start).toBeTypeOf('boolean');
  });

  it('explains them in Chinese to a zh-CN caller: the bundle keeps zod’s Chinese locale too', async () => {
    const res = await citizenHandler(event('POST', '/v1/auth/otp', { phone: 42 }, { 'accept-language': 'zh-CN' }));
    const error = JSON.parse(res.body).error;
    expect([res.statusCode, error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(error.message).toMatch(/[\u4e00-\u9fff]/);
    expect(error.details.issues[0]).toEqual({ path: 'phone', message: expect.stringMatching(/^无效输入/) });
  });

  it('still explains validation errors in English', async () => {
    const res = await citizenHandler(event('POST', '/v1/auth/otp', { phone: 42 }));
    expect(res.statusCode).toBe(400);
    const error = JSON.parse(res.body).error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.issues[0]).toEqual({
      path: 'phone',
      message: expect.stringMatching(/^Invalid input: expected string/),
    });
  });
});
