import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../../../shared/ledger/accounts';
import { type Holds, openHoldsFen } from '../../../shared/ledger/holds';
import { postTransfer } from '../../../shared/ledger/transfers';
import { readWallet } from '../../../shared/ledger/wallet-head';
import { createTopup, getTopup, settleTopup, type Topup } from '../../../shared/topups/topups';
import { auditOf } from '../../support/audit';
import { freshStore, walletWith } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const MAX = 500_000;
/** What the route adds: the request's hash and the answer a retry gets (functions/citizen/topup-routes.ts). */
const asked = { requestHash: 'request-hash', answerOf: (topup: Topup) => ({ status: 201, body: topup }) };

describe('settling a top-up', () => {
  it('never credits past the limit: when other credits arrived meanwhile, the top-up ends refunded', async () => {
    const wallet = await walletWith(store, 0);
    const now = new Date();
    await createTopup(store, {
      topupId: 'top-a',
      cardId: wallet,
      amountFen: 400_000,
      maxBalanceFen: MAX,
      now,
      ...asked,
    });
    // A credit that is not a top-up (an operator's adjustment) lands before the provider answers.
    await postTransfer(store, {
      transferId: 'adj-1',
      kind: 'adjustment',
      at: now.toISOString(),
      description: 'goodwill',
      ref: 'case-1',
      postings: [
        { accountId: SYSTEM.adjustments, amountFen: -200_000 },
        { accountId: wallet, amountFen: 200_000 },
      ],
    });
    const settled = await settleTopup(
      store,
      { topupId: 'top-a', status: 'succeeded', amountFen: 400_000, providerRef: 'p' },
      MAX,
      now,
    );
    expect(settled.status).toBe('refunded');
    const again = await settleTopup(
      store,
      { topupId: 'top-a', status: 'succeeded', amountFen: 400_000, providerRef: 'p' },
      MAX,
      now,
    );
    expect(again.status).toBe('refunded');
    const report = await auditOf(store, now);
    expect(report.balanced).toBe(true);
    expect(report.mismatches).toEqual([]);
  });
});

describe('the provider’s word arriving several times at once', () => {
  it('credits once: the transfer takes the pending record’s place only while it is pending', async () => {
    // Prepare
    const wallet = await walletWith(store, 0);
    const now = new Date();
    await createTopup(store, {
      ...asked,
      topupId: 'top-race',
      cardId: wallet,
      amountFen: 700,
      maxBalanceFen: MAX,
      now,
    });
    const word = { topupId: 'top-race', status: 'succeeded' as const, amountFen: 700, providerRef: 'p-1' };
    // Act
    const answers = await Promise.all(Array.from({ length: 8 }, () => settleTopup(store, word, MAX, now)));
    // Assess
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set(['succeeded']));
    expect((await readWallet(store, wallet))?.balanceFen).toBe(700);
    expect(openHoldsFen((await readWallet(store, wallet))?.pendingTopups as Holds, now)).toBe(0);
    const report = await auditOf(store, now);
    expect(report.mismatches).toEqual([]);
    expect(report.sumFen).toBe(0);
  });
});

describe('a top-up the provider never answers', () => {
  it('expires after a day by itself, its pending amount no longer counting, and a late success still credits it', async () => {
    const wallet = await walletWith(store, 0);
    const created = new Date('2026-11-27T08:00:00+08:00');
    await createTopup(store, {
      ...asked,
      topupId: 'top-stale',
      cardId: wallet,
      amountFen: 300_000,
      maxBalanceFen: MAX,
      now: created,
    });
    await createTopup(store, {
      ...asked,
      topupId: 'top-fresh',
      cardId: wallet,
      amountFen: 100_000,
      maxBalanceFen: MAX,
      now: new Date(created.getTime() + 20 * 3600_000),
    });
    // 300000 + 100000 pending: a further 200000 would pass the limit.
    await expect(
      createTopup(store, {
        ...asked,
        topupId: 'top-x',
        cardId: wallet,
        amountFen: 200_000,
        maxBalanceFen: MAX,
        now: new Date(created.getTime() + 21 * 3600_000),
      }),
    ).rejects.toMatchObject({ code: 'BALANCE_LIMIT' });

    const dayLater = new Date(created.getTime() + 25 * 3600_000);
    // No job ran: the record reads as expired from its age, and the card's pending amount lapsed.
    expect((await getTopup(store, 'top-stale', dayLater))?.status).toBe('expired');
    expect((await getTopup(store, 'top-fresh', dayLater))?.status).toBe('pending');
    expect((await getTopup(store, 'top-stale', new Date(created.getTime() + 23 * 3600_000)))?.status).toBe('pending');
    // The stale 300000 no longer counts: 200000 more fits beside the fresh 100000.
    await createTopup(store, {
      ...asked,
      topupId: 'top-y',
      cardId: wallet,
      amountFen: 200_000,
      maxBalanceFen: MAX,
      now: dayLater,
    });

    // The provider's late word: success credits it, within the limit.
    const late = await settleTopup(
      store,
      { topupId: 'top-stale', status: 'succeeded', amountFen: 300_000, providerRef: 'late' },
      MAX,
      dayLater,
    );
    expect(late.status).toBe('succeeded');
    expect((await getTopup(store, 'top-stale', dayLater))?.status).toBe('succeeded');
    const report = await auditOf(store, dayLater);
    expect(report.balanced).toBe(true);
  });
});
