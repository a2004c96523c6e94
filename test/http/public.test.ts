import { describe, expect, it } from 'vitest';
import { OPERATION_VERBS } from '../../functions/public/openapi';
import { residentIdProblem } from '../../shared/eligibility/resident-id';
import { type ErrorCode, statusOf } from '../../shared/errors';

type ExampleResponse = {
  content?: Record<string, { examples?: Record<string, { value: { error: { code: ErrorCode } } }> }>;
};

import { useTestBackend } from '../support/backend';
import { login } from '../support/citizen';
import { body } from '../support/http';

const { app } = useTestBackend();

describe('public routes', () => {
  it('answers health', async () => {
    const res = await app.request('/v1/health');
    expect(res.status).toBe(200);
    expect(await body(res)).toMatchObject({ status: 'ok' });
  });

  it('serves an OpenAPI 3.1 document generated from the routes, and a page that renders it', async () => {
    const doc = await body(await app.request('/openapi.json'));
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/health',
        '/.well-known/jwks.json',
        '/v1/auth/otp',
        '/v1/me/card',
        '/v1/me/topups',
        '/v1/me/statement',
        '/v1/me/journeys',
        '/v1/me/bills',
        '/v1/me/bill-payments',
        '/v1/me/offers',
        '/v1/transit/taps',
        '/v1/transit/taps/batch',
        '/v1/terminal/deny-list',
        '/v1/merchant/payments',
        '/v1/merchant/payments/{paymentId}/refunds',
        '/v1/biller/bills',
        '/v1/biller/payments',
        '/v1/webhooks/topups',
        '/v1/admin/clients',
        '/v1/admin/reconciliation',
      ]),
    );
    // Every operation says what it answers when it fails.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (['/v1/health', '/.well-known/jwks.json', '/.well-known/onecard-receipt-keys.json'].includes(path)) continue;
        expect(
          Object.keys(op.responses).some((status) => status.startsWith('4')),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
    // Every operation has an operationId of its own (generated clients name their calls by them), and
    // the document says where it is served.
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId?: string }>>).flatMap((item) =>
      Object.values(item).map((op) => op.operationId),
    );
    // Each a verb and what it acts on, never its path (`postAdminCardsByCardIdFreeze` before).
    const verbFirst = new RegExp(`^(${OPERATION_VERBS.join('|')})[A-Z][A-Za-z0-9]*$`);
    expect(ids.filter((id) => typeof id !== 'string' || !verbFirst.test(id))).toEqual([]);
    expect(ids.filter((id) => /ById|By[A-Z]\w*Id/.test(id ?? ''))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/admin/cards/{cardId}/freeze'].post.operationId).toBe('freezeCard');
    expect(doc.paths['/v1/me/card/freeze'].post.operationId).toBe('freezeMyCard');
    expect(doc.paths['/v1/outlet/topups'].post.operationId).toBe('takeCashTopup');
    expect(doc.servers).toEqual([{ url: '/', description: 'This stack' }]);
    // Each error response shows an example of each code of its status, never another status's code.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, { responses: object }>>)) {
      for (const [method, op] of Object.entries(item)) {
        for (const [status, response] of Object.entries(op.responses as Record<string, ExampleResponse>)) {
          if (!/^[45]/.test(status)) continue;
          const examples = Object.values(response.content?.['application/json']?.examples ?? {});
          expect(examples.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
          for (const { value } of examples)
            expect(statusOf(value.error.code), `${method} ${path}`).toBe(Number(status));
        }
      }
    }
    const tap = doc.components.schemas.Tap.properties;
    expect(tap.credential.example).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{86}$/);
    expect(tap.kind.example).toBe('board');
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await docs.text()).toContain('/docs/swagger-ui-bundle.js');
    expect(await (await app.request('/docs/init.js')).text()).toContain("url: '/openapi.json'");
    expect((await app.request('/docs/swagger-ui.css')).status).toBe(200);
    expect((await app.request('/docs/..%2Fpackage.json')).status).toBe(404);
  });

  it('names how each caller proves itself: bearer tokens, the webhook HMAC and IAM for operators', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDoc;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
      'citizen',
      'iam',
      'machine',
      'operator',
      'webhookSignature',
    ]);
    expect(doc.components.securitySchemes.webhookSignature?.description).toContain('openssl dgst -sha256 -hmac');
    expect(doc.paths['/v1/webhooks/topups']!.post!.security).toEqual([{ webhookSignature: [] }]);
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) {
        if (path.startsWith('/v1/admin/')) expect(op.security, path).toEqual([{ operator: [] }, { iam: [] }]);
      }
    }
  });

  it('describes every field a client sends: parameters, headers and each property of every request body', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDoc;
    const undescribed = requestFieldsOf(doc).filter((f) => !f.description);
    expect(undescribed.map((f) => f.where)).toEqual([]);
    // The id number's check character, with a valid example (one the API itself accepts).
    const body = doc.paths['/v1/me/card']!.post!.requestBody!.content['application/json']!.schema;
    const idNumber = resolveSchema(doc, body).properties!.idNumber!;
    expect(idNumber.description).toMatch(/check character/);
    expect(residentIdProblem(idNumber.example!, '1990-05-17')).toBeNull();
  });

  it('declares the headers every answer carries, and documents the refusals the shell makes', async () => {
    const doc = (await (await app.request('/openapi.json')).json()) as OpenApiDoc;
    const gaps: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        const takesKey = op.parameters?.some((p) => p.in === 'header' && p.name === 'idempotency-key');
        if (op.parameters?.length || op.requestBody) if (!op.responses['400']) gaps.push(`${where}: no 400`);
        if (op.security?.some((s) => 'machine' in s) && !op.responses['429']) gaps.push(`${where}: no 429`);
        for (const [status, response] of Object.entries(op.responses)) {
          const headers = Object.keys(response.headers ?? {});
          if (!headers.includes('x-request-id')) gaps.push(`${where} ${status}: no x-request-id`);
          if (['429', '503'].includes(status) && !headers.includes('Retry-After'))
            gaps.push(`${where} ${status}: no Retry-After`);
          if (takesKey && Number(status) < 500 && !headers.includes('Idempotent-Replayed')) {
            gaps.push(`${where} ${status}: no Idempotent-Replayed`);
          }
        }
        for (const p of op.parameters ?? []) {
          if (p.in === 'path' && p.schema?.maxLength === undefined && p.schema?.format !== 'uuid') {
            gaps.push(`${where}: path parameter ${p.name} has no length`);
          }
        }
      }
    }
    expect(gaps).toEqual([]);
    // What the API checks of a key and a device key, the document says too.
    const key = doc.paths['/v1/me/topups']!.post!.parameters!.find((p) => p.name === 'idempotency-key')!;
    expect(key.schema?.pattern).toBe('^[\\x21-\\x7e]{8,255}$');
    const device = doc.paths['/v1/me/devices']!.post!.requestBody!.content['application/json']!.schema;
    expect(resolveSchema(doc, device).properties!.publicKeyJwk).toMatchObject({
      required: ['kty', 'crv', 'x', 'y'],
      properties: { crv: { enum: ['P-256'] } },
    });
  });
});

interface JsonSchema {
  $ref?: string;
  description?: string;
  example?: string;
  type?: string | string[];
  maxLength?: number;
  format?: string;
  pattern?: string;
  required?: string[];
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}
interface Operation {
  security?: object[];
  parameters?: { name: string; in: string; description?: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { headers?: Record<string, unknown> }>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, { description?: string }> };
}

function resolveSchema(doc: OpenApiDoc, schema: JsonSchema): JsonSchema {
  return schema.$ref
    ? resolveSchema(doc, doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]!)
    : schema;
}

/** Every parameter and every property reachable from a request body, with where it is and its description. */
function requestFieldsOf(doc: OpenApiDoc) {
  const fields: { where: string; description: string | undefined }[] = [];
  const walk = (schema: JsonSchema, where: string, seen: Set<JsonSchema>) => {
    const s = resolveSchema(doc, schema);
    if (seen.has(s)) return;
    seen.add(s);
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      fields.push({ where: `${where}.${name}`, description: prop.description ?? resolveSchema(doc, prop).description });
      walk(prop, `${where}.${name}`, seen);
    }
    if (s.items) walk(s.items, `${where}[]`, seen);
    for (const alt of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(alt, where, seen);
  };
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const p of op.parameters ?? []) {
        fields.push({
          where: `${method} ${path} ${p.in} ${p.name}`,
          description: p.description ?? p.schema?.description,
        });
      }
      const body = op.requestBody?.content['application/json']?.schema;
      if (body) walk(body, `${method} ${path} body`, new Set());
    }
  }
  return fields;
}

describe('methods a path does not take', () => {
  it('answer 405 with Allow naming the ones it does, and unknown paths 404', async () => {
    const put = await app.request('/v1/health', { method: 'PUT' });
    expect([put.status, put.headers.get('allow'), (await body(put)).error.code]).toEqual([
      405,
      'GET',
      'METHOD_NOT_ALLOWED',
    ]);
    // Behind the citizen's authentication, once it passes.
    const { token } = await login(app);
    const headers = { authorization: `Bearer ${token}` };
    const card = await app.request('/v1/me/card', { method: 'DELETE', headers });
    expect([card.status, card.headers.get('allow')]).toEqual([405, 'GET, POST']);
    const device = await app.request('/v1/me/devices/dev_1', { method: 'PATCH', headers });
    expect([device.status, device.headers.get('allow')]).toEqual([405, 'DELETE']);
    expect((await app.request('/v1/nowhere', { method: 'PUT' })).status).toBe(404);
    expect((await app.request('/docs/no-such-file.js')).status).toBe(404);
  });
});
