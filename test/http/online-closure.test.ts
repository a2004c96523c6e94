import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClock, useTestBackend } from '../support/backend';
import { adminAuth, deliverWebhook, jsonRequest, residentId, topUp } from '../support/citizen';
import { asMachine, type Machine, registerMachine } from '../support/gate';
import { body } from '../support/http';
import { type Pos, purchaseBody, registerPos, till } from '../support/pos';
import { postTap, type Rider, registerTerminal, rider, type Terminal, tapBody } from '../support/rider';

const clock = testClock();
const { app } = useTestBackend({ clock });
const { buy } = till(app);
let books: Pos;
let outlet: Machine;
let bus: Terminal;

beforeAll(async () => {
  books = await registerPos(app, 'm-books');
  outlet = await registerMachine(app, 'service-outlet', { outletId: 'o-station' });
  bus = await registerTerminal(app, ['B1']);
});

const closeOnline = async (r: Rider, idNumber = r.idNumber, key: string = randomUUID()) => {
  const res = await app.request(
    '/v1/me/card/closure',
    jsonRequest('POST', { idNumber }, { ...r.auth, 'idempotency-key': key }),
  );
  return { status: res.status, json: await body(res), replayed: res.headers.get('idempotent-replayed') };
};
const providerSays = async (refund: { refundId: string; amountFen: number }, status: 'succeeded' | 'failed') => {
  const event = { refundId: refund.refundId, status, amountFen: refund.amountFen, providerRef: `p-${refund.refundId}` };
  const res = await deliverWebhook(app, event, Math.floor(clock().getTime() / 1000), '/v1/webhooks/refunds');
  return { status: res.status, json: await body(res) };
};
const ledger = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));
const cardOf = async (r: Rider) => body(await app.request('/v1/me/card', { headers: r.auth }));
const payout = (cardId: string, idNumber: string, payoutId: string = randomUUID()) =>
  asMachine(app, outlet, 'POST', '/v1/outlet/closed-card-payouts', { payoutId, cardId, idNumber }, clock());

describe('closing a card online (退卡退款)', () => {
  it('refunds the balance onto the latest top-ups; a refused refund comes back onto the card and is paid out in cash', async () => {
    const r = await rider(app, { balanceFen: 3000, now: clock() });
    const latest = await topUp(app, r.auth, 2000, clock());
    expect((await buy(books, await purchaseBody(r, books, 1000, { now: clock() }))).json.pointsEarned).toBe(10);

    expect((await closeOnline(r, residentId('1990-05-17'))).json.error.code).toBe('ID_MISMATCH');
    const key = randomUUID();
    const closed = await closeOnline(r, r.idNumber, key);
    expect(closed.status).toBe(201);
    expect(closed.json).toMatchObject({ cardId: r.card.cardId, status: 'closed', refundedFen: 4000, pointsLapsed: 10 });
    const [newest, older] = closed.json.refunds;
    expect([newest.topupId, newest.amountFen, older.amountFen, newest.status]).toEqual([
      latest,
      2000,
      2000,
      'requested',
    ]);
    // The same request again answers the same; another is refused: the card is closed.
    expect(await closeOnline(r, r.idNumber, key)).toMatchObject({ status: 201, json: closed.json, replayed: 'true' });
    expect((await closeOnline(r)).json.error.code).toBe('CARD_CLOSED');
    expect(await cardOf(r)).toMatchObject({ status: 'closed', balanceFen: 0 });
    const tap = await body(
      await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board', at: clock() }), {
        now: clock(),
      }),
    );
    expect(tap).toMatchObject({ status: 'declined', declineCode: 'CARD_CLOSED' });

    // The provider confirms one refund and refuses the other: that money comes back onto the closed card.
    expect((await providerSays(newest, 'succeeded')).json).toMatchObject({ status: 'succeeded' });
    // The provider's word twice at once (its retry): the money comes back once.
    const refused = await Promise.all([providerSays(older, 'failed'), providerSays(older, 'failed')]);
    expect(refused.map((x) => x.json.status)).toEqual(['failed', 'failed']);
    expect((await providerSays(older, 'failed')).json).toMatchObject({ status: 'failed' });
    expect((await providerSays({ ...older, amountFen: 1 }, 'failed')).json.error.code).toBe('AMOUNT_MISMATCH');
    expect(await cardOf(r)).toMatchObject({ status: 'closed', balanceFen: 2000 });
    const statement = await body(await app.request('/v1/me/statement', { headers: r.auth }));
    expect(statement.items.slice(0, 2).map((e: { kind: string; amountFen: number }) => [e.kind, e.amountFen])).toEqual([
      ['closure', 2000],
      ['closure', -4000],
    ]);

    // Its holder collects it at an outlet with the resident id card, once: two counters at the same
    // moment pay it out once, and the winner's retry answers the same.
    const counters = [randomUUID(), randomUUID()];
    const paid = await Promise.all(counters.map((id) => payout(r.card.cardId, r.idNumber, id)));
    const won = paid.find((p) => p.status === 200)!;
    expect(won.json).toMatchObject({ cardId: r.card.cardId, paidOutFen: 2000 });
    expect(paid.filter((p) => p.status === 409).map((p) => p.json.error.code)).toEqual(['CLOSURE_BLOCKED']);
    expect((await payout(r.card.cardId, r.idNumber, won.json.payoutId)).json).toEqual(won.json);
    expect((await payout(r.card.cardId, r.idNumber)).json.error.code).toBe('CLOSURE_BLOCKED');
    expect(await cardOf(r)).toMatchObject({ balanceFen: 0 });
    const audit = await ledger();
    expect(audit).toMatchObject({ balanced: true, sumFen: 0 });
    expect(audit.byKind['provider-refunds'] ?? 0).toBe(0);
  });

  it('sends money that did not come from online top-ups to an outlet, and refuses an open card’s payout', async () => {
    const r = await rider(app, { balanceFen: 1000, now: clock() });
    const credit = await app.request(
      '/v1/admin/adjustments',
      jsonRequest(
        'POST',
        { cardId: r.card.cardId, amountFen: 500, reason: 'goodwill' },
        { ...adminAuth, 'idempotency-key': randomUUID() },
      ),
    );
    expect(credit.status).toBe(201);
    const blocked = await closeOnline(r);
    expect([blocked.status, blocked.json.error.code, blocked.json.error.details.uncoveredFen]).toEqual([
      409,
      'CLOSURE_BLOCKED',
      500,
    ]);
    expect(await cardOf(r)).toMatchObject({ status: 'active', balanceFen: 1500 });
    expect((await payout(r.card.cardId, r.idNumber)).json.error.code).toBe('CLOSURE_BLOCKED');
  });

  it('never refunds what a purchase at the same moment charged: one goes first, the other follows it', async () => {
    const r = await rider(app, { balanceFen: 2000, now: clock() });
    const [closed, bought] = await Promise.all([
      closeOnline(r),
      purchaseBody(r, books, 700, { now: clock() }).then((b) => buy(books, b)),
    ]);
    expect(closed.status).toBe(201);
    const charged = bought.json.status === 'accepted' ? bought.json.chargedFen : 0;
    if (bought.json.status !== 'accepted') expect(bought.json.declineCode).toBe('CARD_CLOSED');
    expect(closed.json.refundedFen + charged).toBe(2000);
    expect(await ledger()).toMatchObject({ balanced: true, sumFen: 0 });
  });
});
