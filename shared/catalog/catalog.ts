import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { catalogKey, catalogPk } from '../store/keys';
import { partitionPage } from '../store/partition-page';
import type { Store } from '../store/store';

export type CatalogKind = 'merchant' | 'campaign' | 'biller';
/** An id in the catalogue (what POS scopes, bills and campaigns name). */
const CATALOG_ID = /^[\w-]{1,32}$/;

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

/** One page of a kind's entries, by id: a catalogue of 100,000 merchants is read a page at a time. */
export function catalogPage(store: Store, kind: CatalogKind, page: { limit: number; cursor?: string | undefined }) {
  return partitionPage(store, { list: `catalog-${kind}`, pk: catalogPk(kind), skShape: CATALOG_ID, ...page });
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
