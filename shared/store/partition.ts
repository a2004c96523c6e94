import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Item, ItemKind } from './items';
import type { Store } from './store';

/**
 * Every item of one partition (optionally those whose sort key begins with `prefix`), page by page,
 * in sort-key order: catalogues, a run's lines or report rows, a program's records. Lists that may
 * grow past a page stop at `max` items.
 */
type PartitionOptions = { prefix?: string; consistent?: boolean; max?: number };

export function partitionItems(store: Store, pk: string, options?: PartitionOptions): AsyncGenerator<Item>;
/** The same, each item parsed as `kind`. */
export function partitionItems<T>(
  store: Store,
  pk: string,
  options: PartitionOptions & { kind: ItemKind<T> },
): AsyncGenerator<T>;
export async function* partitionItems<T>(
  store: Store,
  pk: string,
  options: PartitionOptions & { kind?: ItemKind<T> } = {},
): AsyncGenerator<Item | T> {
  let start: Record<string, unknown> | undefined;
  let count = 0;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: options.prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk, ...(options.prefix ? { ':prefix': options.prefix } : {}) },
        ...(options.consistent ? { ConsistentRead: true } : {}),
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      yield options.kind ? options.kind.parse(item) : item;
      if (options.max !== undefined && ++count >= options.max) return;
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
