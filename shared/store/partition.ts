import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Store } from './store';

/**
 * Every item of one partition (optionally those whose sort key begins with `prefix`), page by page,
 * in sort-key order: catalogues, a run's lines or report rows, a program's records. Lists that may
 * grow past a page stop at `max` items.
 */
export async function* partitionItems(
  store: Store,
  pk: string,
  options: { prefix?: string; consistent?: boolean; max?: number } = {},
): AsyncGenerator<Record<string, unknown>> {
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
      yield item;
      if (options.max !== undefined && ++count >= options.max) return;
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
