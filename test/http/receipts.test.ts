import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { cappedOn, verifyReceiptChain } from '../../shared/receipts/verify-chain';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, jsonRequest, login } from '../support/citizen';
import { body } from '../support/http';
import { purchaseBody, registerPos, till } from '../support/pos';
import { postTap, type Rider, registerTerminal, rider, tapBody } from '../support/rider';

// 06:00 in Shanghai: the five rides below fall in one fare day.
const clock = testClock(new Date('2026-11-10T22:00:00Z'));
const { app, backend } = useTestBackend({ clock });
const { buy, refund } = till(app, clock);
const HOUR = 3600_000;

type Line = { entryId: string; amountFen: number; balanceAfterFen: number; receipt: string | null };

/** The whole statement, oldest first, read a few entries a page as a phone would. */
async function statement(r: Rider, limit = 3) {
  const lines: Line[] = [];
  let cursor: string | null = null;
  let chainHead: unknown;
  // The rides below take hours: a fresh sign-in, as the phone would after its token expired.
  const headers = { authorization: `Bearer ${(await login(app, r.phone)).token}` };
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page = await body(await app.request(`/v1/me/statement?limit=${limit}${query}`, { headers }));
    chainHead ??= page.chainHead;
    lines.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return { lines: lines.reverse(), chainHead };
}
const receiptKeys = async (): Promise<JSONWebKeySet> =>
  body(await app.request('/.well-known/onecard-receipt-keys.json'));

describe('signed receipts and the statement chain', () => {
  it('gives every movement a receipt that chains with the card’s others and verifies offline', async () => {
    const bus = await registerTerminal(app, ['B1']);
    const books = await registerPos(app, 'm-books');
    const r = await rider(app, { balanceFen: 20_000, now: clock() });
    for (let ride = 0; ride < 6; ride++) {
      const tap = await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() });
      expect((await body(await postTap(app, bus, tap, { now: clock() }))).status).toBe('accepted');
      clock.advance(2 * HOUR);
    }
    const paid = await buy(books, await purchaseBody(r, books, 3000, { now: clock() }));
    expect(paid.status).toBe(200);
    expect((await refund(books, paid.json.paymentId, 1000)).status).toBe(201);

    const { lines, chainHead } = await statement(r);
    // The top-up, five fares (the sixth ride is past the day's cap and moves nothing), the purchase, the refund.
    expect(lines.map((l) => l.amountFen)).toEqual([20_000, -200, -200, -200, -200, -200, -3000, 1000]);
    const verdict = await verifyReceiptChain(
      lines.map((l) => l.receipt ?? ''),
      await receiptKeys(),
    );
    if (!verdict.ok) throw new Error(`${verdict.problem}: ${verdict.detail}`);
    const card = await body(
      await app.request('/v1/me/card', { headers: { authorization: `Bearer ${(await login(app, r.phone)).token}` } }),
    );
    expect(verdict.head).toEqual({ ...(chainHead as object), balanceAfterFen: card.balanceFen });
    expect(verdict.receipts.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    // The last fare's receipt alone says the card rode to the cap that fare day: an inspector's offline check.
    const fares = verdict.receipts.filter((p) => p.kind === 'fare');
    const day = fares[0]?.facts?.fare?.fareDay ?? '';
    expect(fares.map((p) => p.facts?.fare?.dayFen)).toEqual([200, 400, 600, 800, 1000]);
    expect(fares.at(-1)?.facts?.fare).toMatchObject({ capFen: 1000, monthFen: 1000 });
    expect(cappedOn(fares.at(-1)!, day)).toBe(true);
    expect(cappedOn(fares.at(-2)!, day)).toBe(false);

    // A holder who verified up to the fourth receipt checks only what came after, linked to it.
    const anchor = await verifyReceiptChain(
      lines.slice(0, 4).map((l) => l.receipt ?? ''),
      await receiptKeys(),
    );
    if (!anchor.ok) throw new Error('the first four verify');
    const rest = lines.slice(4).map((l) => l.receipt ?? '');
    expect((await verifyReceiptChain(rest, await receiptKeys(), anchor.head)).ok).toBe(true);
    // Leaving one out is a missing link.
    expect(await verifyReceiptChain(rest.slice(1), await receiptKeys(), anchor.head)).toMatchObject({
      ok: false,
      problem: 'MISSING_LINK',
    });
  });

  it('keeps one chain when movements on one card race each other', async () => {
    const tea = await registerPos(app, 'm-tea');
    const r = await rider(app, { balanceFen: 10_000, now: clock() });
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => buy(tea, await purchaseBody(r, tea, 100 + i, { now: clock() }))),
    );
    expect(results.map((x) => x.status)).toEqual(Array(8).fill(200));
    const { lines } = await statement(r, 100);
    const verdict = await verifyReceiptChain(
      lines.map((l) => l.receipt ?? ''),
      await receiptKeys(),
    );
    expect(verdict.ok && verdict.receipts.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('does not sign an entry changed outside the ledger, and receipts outlive key rotations', async () => {
    const tea = await registerPos(app, 'm-tea');
    const r = await rider(app, { balanceFen: 5000, now: clock() });
    await buy(tea, await purchaseBody(r, tea, 700, { now: clock() }));
    const held = (await statement(r)).lines.map((l) => l.receipt ?? '');
    const heldKid = JSON.parse(Buffer.from(held[0]!.split('.')[0]!, 'base64url').toString()).kid as string;

    // Rotated twice, the key that signed them is out of the terminals' JWKS but not out of the receipt keys.
    for (let i = 0; i < 2; i++) {
      expect((await app.request('/v1/admin/keys/rotate', jsonRequest('POST', {}, adminAuth))).status).toBe(200);
    }
    // Every instance reads the rotated keys within a minute.
    clock.advance(61_000);
    const jwks = await body(await app.request('/.well-known/jwks.json'));
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).not.toContain(heldKid);
    expect((await verifyReceiptChain(held, await receiptKeys())).ok).toBe(true);

    // Someone rewrites the purchase's amount in the table: its receipt is no longer signed, and the
    // holder's copy, checked against what the statement now says, shows the change.
    const { store } = backend().deps;
    const { Items } = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
        ExpressionAttributeValues: { ':pk': `ACCT#${r.card.cardId}`, ':e': 'E#' },
      }),
    );
    const purchase = Items?.find((i) => i.kind === 'purchase');
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: { pk: purchase?.pk, sk: purchase?.sk },
        // What a rewrite outside the ledger looks like: the money changed, the receipt's hash left as it was.
        UpdateExpression: 'SET amountFen = :a',
        ExpressionAttributeValues: { ':a': -70 },
      }),
    );
    const after = (await statement(r)).lines;
    expect(after.map((l) => [l.amountFen, l.receipt === null])).toEqual([
      [5000, false],
      [-70, true],
    ]);
    const heldPurchase = JSON.parse(Buffer.from(held[1]!.split('.')[1]!, 'base64url').toString());
    expect(heldPurchase.amountFen).toBe(-700);
  });
});
