import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { catalogKey } from '../store/keys';
import type { Store } from '../store/store';

/** Whether a merchant, campaign or biller of this id exists. */
export async function catalogHas(store: Store, kind: 'merchant' | 'campaign' | 'biller', id: string): Promise<boolean> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: catalogKey(kind, id) }));
  return Item !== undefined;
}
