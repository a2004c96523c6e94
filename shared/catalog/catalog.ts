import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { catalogKey, catalogPk } from '../store/keys';
import { partitionItems } from '../store/partition';
import type { Store } from '../store/store';

export type CatalogKind = 'merchant' | 'campaign' | 'biller';
/** Entries of one kind read at most: an alliance has thousands of merchants, not millions. */
export const CATALOG_MAX = 10_000;

/** Whether a merchant, campaign or biller of this id exists. */
export async function catalogHas(store: Store, kind: CatalogKind, id: string): Promise<boolean> {
  return (await catalogGet(store, kind, id)) !== undefined;
}

export async function catalogGet(
  store: Store,
  kind: CatalogKind,
  id: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: catalogKey(kind, id), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const { pk: _pk, sk: _sk, ...entry } = Item;
  return entry;
}

export async function catalogList(store: Store, kind: CatalogKind): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const { pk: _pk, sk: _sk, ...entry } of partitionItems(store, catalogPk(kind), { max: CATALOG_MAX })) {
    items.push(entry);
  }
  return items;
}

/** Adds an entry once; the same id again is a conflict (ids are what terminals and campaigns name). */
export async function catalogAdd(
  store: Store,
  kind: CatalogKind,
  id: string,
  entry: Record<string, unknown>,
): Promise<void> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...catalogKey(kind, id), ...entry },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw new ConflictError('ALREADY_EXISTS', `${kind} ${id} exists`);
    throw err;
  }
}
