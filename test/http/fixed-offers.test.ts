import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest } from '../support/citizen';
import { body } from '../support/http';
import { asPos, purchaseBody, registerPos } from '../support/pos';
import { rider } from '../support/rider';

// A backend of its own: an instance sees a new campaign within 30 s (its list is cached that long).
const { app } = useTestBackend();
const asOperator = (key = randomUUID()) => ({ ...adminAuth, 'idempotency-key': key });

describe('a fixed-amount offer (满减)', () => {
  it('takes its amount off a purchase of at least its minimum, and the offers list shows it', async () => {
    const offer = {
      usesPerCardPerFareDay: 2,
      startsAt: '2026-01-01T00:00:00+08:00',
      endsAt: '2030-01-01T00:00:00+08:00',
      campaignId: 'c-books-man',
      name: '50 yuan or more: 8 off',
      merchantIds: ['m-books'],
      fixedOffFen: 800,
      minPurchaseFen: 5000,
      maxDiscountFen: 800,
      // The budget is spread over shards; each must cover one discount.
      budgetFen: 100_000,
    };
    const started = await app.request('/v1/admin/campaigns', jsonRequest('POST', offer, asOperator()));
    expect(started.status).toBe(201);
    const pos = await registerPos(app, 'm-books');
    const r = await rider(app, { balanceFen: 20_000 });
    const offers = await body(await app.request('/v1/me/offers', { headers: r.auth }));
    expect(offers.items).toContainEqual(expect.objectContaining({ campaignId: 'c-books-man', fixedOffFen: 800 }));
    const pay = async (amountFen: number) =>
      body(
        await app.request(
          '/v1/merchant/payments',
          jsonRequest('POST', await purchaseBody(r, pos, amountFen), await asPos(pos)),
        ),
      );
    expect(await pay(4999)).toMatchObject({ status: 'accepted', discountFen: 0, chargedFen: 4999 });
    expect(await pay(6000)).toMatchObject({
      status: 'accepted',
      discountFen: 800,
      chargedFen: 5200,
      campaignId: 'c-books-man',
    });
    expect(await body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }))).toMatchObject({
      balanced: true,
      sumFen: 0,
    });
  });
});
