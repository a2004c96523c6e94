import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { LOCAL_AWS } from '../../infra/dynamo-local';
import { ensureTable } from '../../infra/local-tables';
import { MAIN_TABLE } from '../../infra/tables';
import { SYSTEM } from '../../shared/ledger/accounts';
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
/** An empty wallet, optionally funded from top-up clearing. */
export async function walletWith(store: Store, balanceFen = 0): Promise<string> {
  const accountId = `card_test${process.pid}x${walletSeq++}x${randomUUID().slice(0, 8)}`;
  await store.doc.send(new PutCommand(newWalletPut(store.tableName, accountId, {})));
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
