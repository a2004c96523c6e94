import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { bucketSk } from '../store/keys';
import type { Store } from '../store/store';

const PAGE = 1000;

/** A minute bucket of an account's shard: its money in and out that minute (see ledger/command.ts). */
export interface MinuteBucket {
  pk: string;
  sk: string;
  minute: number;
  inFen?: number;
  outFen?: number;
  sealedBy?: string;
}

/** One shard's minute buckets from `fromMinute` to `toMinute` (both included), oldest first, page by page. */
export async function* minuteBuckets(
  store: Store,
  accountId: string,
  shard: number,
  fromMinute: number,
  toMinute: number,
  consistent = false,
): AsyncGenerator<MinuteBucket> {
  if (toMinute < fromMinute) return;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `ACCT#${accountId}#${shard}`,
          ':from': bucketSk(fromMinute),
          ':to': bucketSk(toMinute),
        },
        ConsistentRead: consistent,
        Limit: PAGE,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) yield item as MinuteBucket;
    start = page.LastEvaluatedKey;
  } while (start);
}
