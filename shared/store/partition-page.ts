import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, nextCursor } from './cursor';
import type { Item, ItemKind } from './items';
import type { Store } from './store';

/** One page of a list, and the cursor of the next (null: the list ends here). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type PartitionPageInput = {
  /** The list's name: its cursors are its own. */
  list: string;
  pk: string;
  /** Only items whose sort key begins with this (a run's rows beside the run's own item). */
  prefix?: string;
  limit: number;
  cursor?: string | undefined;
  /** The shape every sort key of this list has: a cursor that does not fit is a 400. */
  skShape: RegExp;
  newestFirst?: boolean;
  consistent?: boolean;
};

/**
 * One page of a partition's items (a catalogue, a document's versions, a run's report rows), in sort
 * key order or newest first, from the cursor on. Costs the page, never the partition.
 */
export function partitionPage(store: Store, input: PartitionPageInput): Promise<Page<Item>>;
/** The same, each item parsed as `kind`. */
export function partitionPage<T>(store: Store, input: PartitionPageInput & { kind: ItemKind<T> }): Promise<Page<T>>;
export async function partitionPage<T>(
  store: Store,
  input: PartitionPageInput & { kind?: ItemKind<T> },
): Promise<Page<Item | T>> {
  const after = input.cursor ? decodeCursor(input.cursor, input.list, input.skShape) : undefined;
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: input.prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': input.pk, ...(input.prefix ? { ':prefix': input.prefix } : {}) },
      ScanIndexForward: !input.newestFirst,
      Limit: input.limit,
      ...(input.consistent ? { ConsistentRead: true } : {}),
      ...(after ? { ExclusiveStartKey: { pk: input.pk, sk: after } } : {}),
    }),
  );
  const items = (page.Items ?? []).map(({ pk: _pk, sk: _sk, ...item }) => (input.kind ? input.kind.parse(item) : item));
  return { items, nextCursor: nextCursor(input.list, page.LastEvaluatedKey) };
}
