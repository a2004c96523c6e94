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
    expect(Object.keys(doc.paths)).toContain('/v1/health');
    const docs = await app.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/openapi.json');
  });
});
