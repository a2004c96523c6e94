import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { LOCAL_AWS } from '../../infra/dynamo-local';
import { ensureTable } from '../../infra/local-tables';
import { MAIN_TABLE } from '../../infra/tables';
import { operatorPayable, SYSTEM } from '../../shared/ledger/accounts';
import type { TransferSpec } from '../../shared/ledger/model';
import { postTransfer } from '../../shared/ledger/transfers';
import { newWalletPut } from '../../shared/ledger/wallets';
import { documentClient, dynamoClient, type Store } from '../../shared/store/store';

/** A fresh, empty table on the run's DynamoDB Local. */
export async function freshStore(): Promise<Store & { destroy(): void }> {
  const client = dynamoClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  const tableName = `t-${randomUUID()}`;
  await ensureTable(client, MAIN_TABLE, tableName);
  return { doc: documentClient(client), tableName, destroy: () => client.destroy() };
}

let walletSeq = 0;
/** An empty card's wallet (its own attributes as cards.ts opens one), optionally funded from top-up clearing. */
export async function walletWith(store: Store, balanceFen = 0): Promise<string> {
  const accountId = `card_test${process.pid}x${walletSeq++}x${randomUUID().slice(0, 8)}`;
  const card = {
    cardId: accountId,
    cardNumber: '3101000000000001',
    citizenId: `cit_${accountId}`,
    negativeLimitFen: 0,
  };
  await store.doc.send(new PutCommand(newWalletPut(store.tableName, accountId, card)));
  if (balanceFen > 0) {
    await postTransfer(store, {
      transferId: `fund-${accountId}`,
      kind: 'topup',
      at: new Date().toISOString(),
      description: 'test funding',
      ref: accountId,
      postings: [
        { accountId: SYSTEM.topupClearing, amountFen: -balanceFen },
        { accountId, amountFen: balanceFen },
      ],
    });
  }
  return accountId;
}

/** A bus fare from a wallet to the operator, as a tap posts it: a new transfer each call unless named. */
export const fareSpec = (walletId: string, amountFen: number, transferId: string = randomUUID()): TransferSpec => ({
  transferId,
  kind: 'fare',
  at: new Date().toISOString(),
  description: 'Bus B1',
  ref: transferId,
  postings: [
    { accountId: walletId, amountFen: -amountFen },
    { accountId: operatorPayable('bus-co'), amountFen },
  ],
});
