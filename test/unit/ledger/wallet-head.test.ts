import { describe, expect, it } from 'vitest';
import { walletFromItems, walletMarkPut } from '../../../shared/ledger/wallet-head';
import { accountKey, entryKey } from '../../../shared/store/keys';

const CARD = 'card_head';
const own = { ...accountKey(CARD), accountId: CARD, kind: 'wallet', status: 'active', cardNumber: '3101' };

describe('a wallet read with its newest entry', () => {
  it('is empty before its first entry, and takes balance, number and carried attributes from the newest', () => {
    expect(walletFromItems([own])).toMatchObject({ balanceFen: 0, version: 0, carried: {}, cardNumber: '3101' });
    const head = {
      ...entryKey(CARD, 7),
      amountFen: -200,
      balanceAfterFen: 1300,
      carried: { holds: { h: { amountFen: 1, until: '2026-12-04T10:00:00.000Z' } } },
    };
    expect(walletFromItems([own, head])).toMatchObject({
      balanceFen: 1300,
      version: 7,
      holds: { h: { amountFen: 1, until: '2026-12-04T10:00:00.000Z' } },
      carried: { holds: { h: { amountFen: 1, until: '2026-12-04T10:00:00.000Z' } } },
      status: 'active',
    });
    // No wallet item first: no wallet (a query of another partition's items is not one).
    expect(walletFromItems([head])).toBeUndefined();
  });

  it('orders a change of the card’s own item with a 0-fen mark at the next number, carrying the attributes on', () => {
    const wallet = walletFromItems([own, { ...entryKey(CARD, 3), balanceAfterFen: 50, carried: { transit: 't' } }])!;
    const mark = walletMarkPut('t', wallet, new Date('2026-11-28T00:00:00Z'), 'frozen').Put!;
    expect(mark.Item).toMatchObject({
      ...entryKey(CARD, 4),
      amountFen: 0,
      balanceAfterFen: 50,
      carried: { transit: 't' },
    });
    expect(mark.ConditionExpression).toBe('attribute_not_exists(pk)');
  });
});
