import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCardStatus } from '../../../shared/cards/cards';
import { runCommand } from '../../../shared/ledger/command';
import { statementPage } from '../../../shared/ledger/statement';
import { postTransfer } from '../../../shared/ledger/transfers';
import { readWallet } from '../../../shared/ledger/wallet-head';
import { accountKey } from '../../../shared/store/keys';
import { auditOf } from '../../support/audit';
import { fareSpec, freshStore, walletWith } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

const fare = fareSpec;

describe('a wallet’s balance on its newest entry', () => {
  it('reads the card and its newest entry in one query; a movement never writes the card’s own item', async () => {
    // Prepare
    const wallet = await walletWith(store, 1000);
    const own = async () =>
      (await store.doc.send(new GetCommand({ TableName: store.tableName, Key: accountKey(wallet) }))).Item;
    const before = await own();
    // Act
    await postTransfer(store, fare(wallet, 300));
    await postTransfer(store, fare(wallet, 200));
    // Assess
    expect(await own()).toEqual(before);
    expect(await readWallet(store, wallet)).toMatchObject({ accountId: wallet, balanceFen: 500, version: 3 });
    const statement = await statementPage(store, wallet, 10);
    expect(statement.items.map((e) => [e.amountFen, e.balanceAfterFen])).toEqual([
      [-200, 500],
      [-300, 700],
      [1000, 1000],
    ]);
  });

  it('lets no debit planned before a freeze commit after it: the freeze’s mark takes the next entry', async () => {
    // Prepare: a card, and a debit that reads it, then waits while the card is frozen, then commits.
    const wallet = await walletWith(store, 1000);
    let plans = 0;
    // Act
    const debit = runCommand(
      store,
      {
        reads: { wallet: accountKey(wallet) },
        plan: async () => {
          if (plans++ === 0) {
            await setCardStatus(
              store,
              wallet,
              'frozen',
              { by: 'operator', principal: 'op', reason: 'lost' },
              new Date(),
            );
          }
          return { transfer: fare(wallet, 300), result: 'paid' };
        },
        replay: async () => undefined,
      },
      { sleep: async () => {} },
    );
    // Assess: the first plan lost its entry to the freeze's mark; the second saw the frozen card.
    await expect(debit).rejects.toMatchObject({ code: 'CARD_FROZEN' });
    expect(plans).toBe(2);
    expect(await readWallet(store, wallet)).toMatchObject({ status: 'frozen', balanceFen: 1000, version: 2 });
    // The mark moved no money: the statement leaves it out, and the ledger still balances.
    expect((await statementPage(store, wallet, 10)).items.map((e) => e.amountFen)).toEqual([1000]);
    expect((await auditOf(store, new Date())).mismatches).toEqual([]);
  });
});
