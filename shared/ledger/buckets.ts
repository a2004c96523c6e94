import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { invariant, RetryLaterError } from '../errors';
import { attributes } from '../store/attributes';
import { ACTIVITY_INDEX, activityIndexPk, bucketOwner, bucketSk, hourOfMinute } from '../store/keys';
import { backoffMs } from '../store/retry';
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
  /** The rest of what it counts (points: payee-counts.ts). */
  [attribute: string]: unknown;
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

/** A bucket as the activity index lists it: whose, which shard, which minute, and its key. */
export interface ActiveBucket {
  accountId: string;
  shard: number;
  minute: number;
  key: { pk: string; sk: string };
}

/**
 * Every minute bucket with a movement from `fromMinute` to `toMinute` (both included), whatever
 * account it belongs to: one query an hour of the activity index (eventually consistent: a bucket
 * made in the last moment may show a little later). Costs what moved, never the catalogue of payees.
 */
export async function* activeBuckets(store: Store, fromMinute: number, toMinute: number): AsyncGenerator<ActiveBucket> {
  invariant(fromMinute >= 0, 'the activity index starts at 1970');
  for (let hour = hourOfMinute(fromMinute); hour <= hourOfMinute(toMinute); hour++) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await store.doc.send(
        new QueryCommand({
          TableName: store.tableName,
          IndexName: ACTIVITY_INDEX,
          KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': activityIndexPk(hour),
            ':from': bucketSk(Math.max(fromMinute, hour * 60)),
            ':to': bucketSk(Math.min(toMinute, hour * 60 + 59)),
          },
          Limit: PAGE,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const key = { pk: String(item.pk), sk: String(item.sk) };
        yield { ...bucketOwner(key.pk), minute: Number(key.sk.slice(1)), key };
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
}

/** Keys in one BatchGetItem: DynamoDB's own limit. */
const BATCH_GET_MAX = 100;
/** Rounds of keys DynamoDB left unread before a read gives up (a throttled table). */
const MAX_UNPROCESSED_ROUNDS = 8;

/** What a bucket moved: its money in and out, and the points a payee's movements counted (payee-counts.ts). */
export interface BucketTotals {
  accountId: string;
  /** The bucket's minute (minutes since 1970). */
  minute: number;
  /** Movements counted into it (settlement's own payouts are not). */
  movements: number;
  inFen: number;
  outFen: number;
  pointsFundedFen: number;
  pointsSpentFen: number;
}

/** The money in and out of listed buckets, read in batches of 100 (each bucket once, in no set order). */
export async function* bucketTotals(store: Store, buckets: AsyncIterable<ActiveBucket>): AsyncGenerator<BucketTotals> {
  let batch: ActiveBucket[] = [];
  for await (const bucket of buckets) {
    batch.push(bucket);
    if (batch.length === BATCH_GET_MAX) {
      yield* await readTotals(store, batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield* await readTotals(store, batch);
}

async function readTotals(store: Store, batch: ActiveBucket[]) {
  const totals: BucketTotals[] = [];
  let keys: Record<string, unknown>[] = batch.map((b) => b.key);
  for (let round = 0; keys.length > 0; round++) {
    if (round === MAX_UNPROCESSED_ROUNDS) throw new RetryLaterError();
    if (round > 0) await new Promise((r) => setTimeout(r, backoffMs(round)));
    const out = await store.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [store.tableName]: {
            Keys: keys,
            ProjectionExpression: 'pk, sk, inFen, outFen, pointsFundedFen, pointsSpentFen, movements',
          },
        },
      }),
    );
    for (const item of out.Responses?.[store.tableName] ?? []) {
      const a = attributes(item, 'minute bucket');
      totals.push({
        accountId: bucketOwner(String(item.pk)).accountId,
        minute: Number(a.str('sk').slice(1)),
        movements: a.intOr0('movements'),
        inFen: a.intOr0('inFen'),
        outFen: a.intOr0('outFen'),
        pointsFundedFen: a.intOr0('pointsFundedFen'),
        pointsSpentFen: a.intOr0('pointsSpentFen'),
      });
    }
    keys = out.UnprocessedKeys?.[store.tableName]?.Keys ?? [];
  }
  return totals;
}
