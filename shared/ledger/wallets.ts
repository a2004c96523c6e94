import type { Put } from '@aws-sdk/client-dynamodb';
import { accountKey } from '../store/keys';
import type { WalletItem } from './model';

/** The put that creates an empty wallet; the card's own attributes ride along on the same item. */
export function newWalletPut(tableName: string, accountId: string, attributes: Record<string, unknown>) {
  const item: WalletItem & Record<string, unknown> = {
    ...attributes,
    ...accountKey(accountId),
    accountId,
    kind: 'wallet',
    balanceFen: 0,
    version: 0,
    status: 'active',
  };
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(pk)',
  } satisfies Omit<Put, 'Item'> & { Item: Record<string, unknown> };
}
