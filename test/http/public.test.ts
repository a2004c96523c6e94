import { describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
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
        if (path === '/v1/health' || path === '/.well-known/jwks.json') continue;
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
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/v1/admin/cards/{cardId}/freeze'].post.operationId).toBe('postAdminCardsByCardIdFreeze');
    expect(doc.paths['/v1/outlet/topups'].post.operationId).toBe('cashTopup');
    expect(doc.servers).toEqual([{ url: '/', description: 'This stack' }]);
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });
});
