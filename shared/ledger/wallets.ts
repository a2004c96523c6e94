import type { Put } from '@aws-sdk/client-dynamodb';
import { accountKey } from '../store/keys';
import type { WalletItem } from './model';

/**
 * The put that creates an empty wallet: the card's own item. Its balance and sequence live on its
 * newest entry (none yet: 0 fen, sequence 0).
 */
export function newWalletPut(tableName: string, accountId: string, attributes: Record<string, unknown>) {
  const item: Omit<WalletItem, 'balanceFen' | 'version'> = {
    ...attributes,
    ...accountKey(accountId),
    accountId,
    kind: 'wallet',
    status: 'active',
  };
  return {
    TableName: tableName,
    Item: item,
    ConditionExpression: 'attribute_not_exists(pk)',
  } satisfies Omit<Put, 'Item'> & { Item: Record<string, unknown> };
}
