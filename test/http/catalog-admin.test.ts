import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { assertionFor, newKey, proofFor, seconds } from '../support/jose-kit';
import { rider } from '../support/rider';

const { app } = useTestBackend();
const asOperator = (key = randomUUID()) => ({ ...adminAuth, 'idempotency-key': key });
const noodles = {
  campaignId: 'c-noodle20',
  name: '20% off noodles',
  merchantIds: ['m-noodle'],
  percentOff: 20,
  minPurchaseFen: 1000,
  maxDiscountFen: 300,
  usesPerCardPerFareDay: 2,
  budgetFen: 5000,
  startsAt: '2026-01-01T00:00:00+08:00',
  endsAt: '2030-01-01T00:00:00+08:00',
};

describe('operators run the alliance catalogue', () => {
  it('adds merchants and billers once each, and lists them', async () => {
    expect(
      (
        await app.request(
          '/v1/admin/merchants',
          jsonRequest('POST', { merchantId: 'm-noodle', name: 'Harbour Noodles' }, adminAuth),
        )
      ).status,
    ).toBe(201);
    const again = await app.request(
      '/v1/admin/merchants',
      jsonRequest('POST', { merchantId: 'm-noodle', name: 'Other' }, adminAuth),
    );
    expect((await body(again)).error.code).toBe('ALREADY_EXISTS');
    const merchants = await body(await app.request('/v1/admin/merchants', { headers: adminAuth }));
    expect(merchants.items.map((m: { merchantId: string }) => m.merchantId).sort()).toEqual([
      'm-books',
      'm-noodle',
      'm-tea',
    ]);
    expect(
      (
        await app.request(
          '/v1/admin/billers',
          jsonRequest('POST', { billerId: 'heat', name: 'District Heating' }, adminAuth),
        )
      ).status,
    ).toBe(201);
    expect(
      (await app.request('/v1/admin/billers', jsonRequest('POST', { billerId: 'bad id!', name: 'x' }, adminAuth)))
        .status,
    ).toBe(400);
  });

  it('starts a campaign with its budget in one step, once', async () => {
    const before = (await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).byKind[
      'campaign-budget'
    ];
    const key = randomUUID();
    const first = await app.request('/v1/admin/campaigns', jsonRequest('POST', noodles, asOperator(key)));
    expect(first.status).toBe(201);
    expect(await (await app.request('/v1/admin/campaigns', jsonRequest('POST', noodles, asOperator(key)))).text()).toBe(
      await first.text(),
    );
    const sameAgain = await app.request('/v1/admin/campaigns', jsonRequest('POST', noodles, asOperator()));
    expect(sameAgain.status).toBe(201);
    const changed = await app.request(
      '/v1/admin/campaigns',
      jsonRequest('POST', { ...noodles, percentOff: 50 }, asOperator()),
    );
    expect((await body(changed)).error.code).toBe('ALREADY_EXISTS');
    const unknown = await app.request(
      '/v1/admin/campaigns',
      jsonRequest('POST', { ...noodles, campaignId: 'c-x', merchantIds: ['m-nowhere'] }, asOperator()),
    );
    expect((await body(unknown)).error.details.issues[0].path).toBe('merchantIds');
    // One kind of offer each: percent off or a fixed amount off (满减), never both, never neither.
    for (const offer of [{ fixedOffFen: 500 }, { percentOff: undefined }]) {
      const bad = await app.request(
        '/v1/admin/campaigns',
        jsonRequest('POST', { ...noodles, campaignId: 'c-both', ...offer }, asOperator()),
      );
      expect([bad.status, (await body(bad)).error.details.issues[0].path]).toEqual([400, 'percentOff']);
    }
    const report = await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
    expect(report.byKind['campaign-budget']).toBe(before + 5000);
    expect(report.balanced).toBe(true);
  });

  it('lets the new merchant’s POS sell with the new campaign’s discount', async () => {
    const key = await newKey();
    const pos = await body(
      await app.request(
        '/v1/admin/clients',
        jsonRequest(
          'POST',
          { kind: 'merchant-pos', name: 'noodle till', publicKeyJwk: key.publicJwk, scope: { merchantId: 'm-noodle' } },
          adminAuth,
        ),
      ),
    );
    const r = await rider(app, { balanceFen: 5000 });
    const challenge = randomUUID();
    const proof = await proofFor(r.device, r.credential, {
      chl: challenge,
      tid: pos.clientId,
      iat: seconds(new Date()),
      amt: 1200,
    });
    const res = await app.request(
      '/v1/merchant/payments',
      jsonRequest(
        'POST',
        { paymentId: randomUUID(), amountFen: 1200, challenge, credential: r.credential, proof },
        { authorization: `Bearer ${await assertionFor(pos.clientId, key)}` },
      ),
    );
    expect(await body(res)).toMatchObject({
      status: 'accepted',
      discountFen: 240,
      chargedFen: 960,
      campaignId: 'c-noodle20',
    });
  });
});

describe('catalogue lists', () => {
  it('answer only the fields their documented schemas hold', async () => {
    const doc = await body(await app.request('/openapi.json'));
    for (const path of ['/v1/admin/merchants', '/v1/admin/billers', '/v1/admin/campaigns']) {
      const listed = doc.paths[path].get.responses['200'].content['application/json'].schema.properties.items.items;
      const schema = doc.components.schemas[listed.$ref.split('/').at(-1)];
      expect(schema.additionalProperties, path).toBe(false);
      const items = (await body(await app.request(path, { headers: adminAuth }))).items;
      expect(items.length, path).toBeGreaterThan(0);
      for (const item of items) {
        expect(Object.keys(item).filter((k) => !(k in schema.properties))).toEqual([]);
      }
    }
  });
});

describe('every list pages', () => {
  it('walks a catalogue a page at a time to its end, and refuses another list’s cursor with 400', async () => {
    const get = async (path: string) => body(await app.request(path, { headers: adminAuth }));
    const all = (await get('/v1/admin/merchants?limit=1000')).items.map((m: { merchantId: string }) => m.merchantId);
    expect(all.length).toBeGreaterThanOrEqual(2);
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(`/v1/admin/merchants?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(1);
      walked.push(...page.items.map((m: { merchantId: string }) => m.merchantId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);
    // A cursor is its own list's: the billers' is no merchant list's, nor a garbled one.
    const billers = await get('/v1/admin/billers?limit=1');
    for (const path of [
      `/v1/admin/merchants?cursor=${billers.nextCursor}`,
      '/v1/admin/merchants?cursor=bm90LWEtY3Vyc29y',
      '/v1/admin/merchants?limit=1001',
      `/v1/admin/fare-tables?cursor=${billers.nextCursor}`,
    ]) {
      const res = await app.request(path, { headers: adminAuth });
      expect([path, res.status]).toEqual([path, 400]);
    }
    const versions = await get('/v1/admin/fare-tables?limit=1');
    expect(versions).toMatchObject({ items: [expect.objectContaining({ version: expect.any(Number) })] });
  });
});
