import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCardStatus } from '../../../shared/cards/cards';
import { runCommand } from '../../../shared/ledger/command';
import type { WalletItem } from '../../../shared/ledger/model';
import { statementPage } from '../../../shared/ledger/statement';
import { postTransfer } from '../../../shared/ledger/transfers';
import { WalletMemo } from '../../../shared/ledger/wallet-memo';
import { accountKey } from '../../../shared/store/keys';
import { auditOf } from '../../support/audit';
import { fareSpec, freshStore, walletWith } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
let queries = 0;
beforeAll(async () => {
  store = await freshStore();
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand') queries++;
      return next(args);
    },
    { step: 'initialize', name: 'countWalletQueries' },
  );
});
afterAll(() => store.destroy());

const fare = fareSpec;

/** A debit that answers the balance it planned on, and counts its plans. */
function debit(wallet: string, amountFen: number, memo: WalletMemo, plans = { count: 0 }) {
  return runCommand(
    store,
    {
      reads: { wallet: accountKey(wallet) },
      plan: (items) => {
        plans.count++;
        return { transfer: fare(wallet, amountFen), result: (items.wallet as WalletItem).balanceFen };
      },
      replay: async () => undefined,
    },
    { memo, sleep: async () => {} },
  );
}

describe('a run of commands on one wallet (an upload’s taps of one card)', () => {
  it('plans each command after the first on what the one before it wrote: one read for the run', async () => {
    // Prepare
    const wallet = await walletWith(store, 1000);
    const memo = new WalletMemo();
    const queriesBefore = queries;
    // Act
    const planned = [await debit(wallet, 100, memo), await debit(wallet, 200, memo), await debit(wallet, 300, memo)];
    // Assess: each plan saw the balance the previous commit left, and only the first read the store.
    expect(planned).toEqual([1000, 900, 700]);
    expect(queries - queriesBefore).toBe(1);
    const statement = await statementPage(store, wallet, 10);
    expect(statement.items.map((e) => [e.amountFen, e.balanceAfterFen])).toEqual([
      [-300, 400],
      [-200, 700],
      [-100, 900],
      [1000, 1000],
    ]);
  });

  it('reads again when someone else moved the wallet in between: never a balance after on a stale head', async () => {
    // Prepare: the run's first debit, then a movement outside the run.
    const wallet = await walletWith(store, 1000);
    const memo = new WalletMemo();
    await debit(wallet, 100, memo);
    await postTransfer(store, fare(wallet, 50));
    const plans = { count: 0 };
    // Act
    const planned = await debit(wallet, 200, memo, plans);
    // Assess: the plan on the memo lost its entry's number and planned again on a read.
    expect(plans.count).toBe(2);
    expect(planned).toBe(850);
    const statement = await statementPage(store, wallet, 10);
    expect(statement.items.map((e) => e.balanceAfterFen)).toEqual([650, 850, 900, 1000]);
    expect((await auditOf(store, new Date())).mismatches).toEqual([]);
  });

  it('refuses the next debit of a card frozen after the memo was kept', async () => {
    // Prepare
    const wallet = await walletWith(store, 1000);
    const memo = new WalletMemo();
    await debit(wallet, 100, memo);
    await setCardStatus(store, wallet, 'frozen', { by: 'operator', principal: 'op', reason: 'lost' }, new Date());
    // Act
    const next = debit(wallet, 200, memo);
    // Assess: the freeze's mark took the number the memo's plan wanted; the read shows the freeze.
    await expect(next).rejects.toMatchObject({ code: 'CARD_FROZEN' });
    expect((await statementPage(store, wallet, 10)).items.map((e) => e.amountFen)).toEqual([-100, 1000]);
  });
});
