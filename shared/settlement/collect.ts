import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invariant } from '../errors';
import { minuteBuckets } from '../ledger/buckets';
import {
  addCounts,
  BUCKET_ATTRIBUTES,
  countsOf,
  noCounts,
  type PayeeCounts,
  RECORD_ATTRIBUTES,
  subtractCounts,
} from '../ledger/payee-counts';
import { minuteOf, payeeMovementsIndex } from '../store/keys';
import type { Store } from '../store/store';
import type { Boundary } from './model';

/**
 * How late a movement may commit into a minute that is already past: an attempt records its time when
 * it plans and commits within the function's timeout (60 s at most). A run looks this far behind the
 * previous cutoff's minute for minutes that filled in after it.
 */
export const LATE_MINUTES = 10;
const PAGE = 1000;

export interface ShardTotals {
  counts: PayeeCounts;
  /** What was counted of the cutoff's own minute: the next run counts the rest of it. */
  boundary: Boundary;
  bucketsRead: number;
  sealsWritten: number;
  movementsRead: number;
}

/**
 * What one payee shard took between the previous run's cutoff and this one's, exactly, without
 * reading the movements themselves: whole minutes come from the shard's minute buckets, each sealed
 * by this run as it is counted (a movement still in flight for a sealed minute is refused and records
 * itself in a later minute, for the next run); the cutoff's own minute is left open and only its
 * movements recorded before the cutoff are read, from their index. A minute a previous run cut is
 * counted less what that run counted of it.
 */
export async function collectShard(
  store: Store,
  input: {
    runId: string;
    accountId: string;
    shard: number;
    cutoff: Date;
    /** The previous run's cutoff (null: the first run) and what it counted of this shard's cutoff minute. */
    previousCutoff: Date | null;
    previousBoundary: Boundary | undefined;
    sealedAt: Date;
  },
): Promise<ShardTotals> {
  const cutoffMinute = minuteOf(input.cutoff);
  const prevMinute = input.previousCutoff ? minuteOf(input.previousCutoff) : null;
  const prev =
    input.previousBoundary && input.previousBoundary.minute === prevMinute ? input.previousBoundary : undefined;
  const countedBefore = (minute: number): PayeeCounts => (minute === prevMinute && prev ? prev : noCounts());
  const from = prevMinute === null ? 0 : Math.max(0, prevMinute - LATE_MINUTES);
  let counts = noCounts();
  let bucketsRead = 0;
  let sealsWritten = 0;

  // Only the last minutes before the cutoff are sealed: a later run looks at them again, and a movement
  // in flight may still write them. Older minutes are final (no attempt commits minutes after it
  // recorded its time) and no later run reads them: they are counted as they are, without a write.
  const sealFrom = cutoffMinute - LATE_MINUTES;
  for await (const bucket of minuteBuckets(store, input.accountId, input.shard, from, cutoffMinute - 1, true)) {
    bucketsRead++;
    if (bucket.sealedBy !== undefined && bucket.sealedBy !== input.runId) continue; // an earlier run's
    const sealed =
      bucket.minute >= sealFrom
        ? await seal(store, bucket.pk, bucket.sk, input.runId, input.sealedAt)
        : countsOf(bucket, BUCKET_ATTRIBUTES, 'payee bucket');
    if (bucket.minute >= sealFrom) sealsWritten++;
    counts = addCounts(counts, subtractCounts(sealed, countedBefore(bucket.minute)));
  }

  const cut = await movementsBefore(
    store,
    payeeMovementsIndex(input.accountId, input.shard, cutoffMinute),
    input.cutoff,
  );
  const counted = countedBefore(cutoffMinute);
  invariant(
    cut.counts.salesFen >= counted.salesFen && cut.counts.refundsFen >= counted.refundsFen,
    'a cut minute shrank',
  );
  counts = addCounts(counts, subtractCounts(cut.counts, counted));
  return {
    counts,
    boundary: { minute: cutoffMinute, ...cut.counts },
    bucketsRead,
    sealsWritten,
    movementsRead: cut.movements,
  };
}

/** Seals a minute for this run and answers its counts, final from now on (a repeat by the same run answers them again). */
async function seal(store: Store, pk: string, sk: string, runId: string, at: Date): Promise<PayeeCounts> {
  const { Attributes } = await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: { pk, sk },
      UpdateExpression: 'SET #sealed = if_not_exists(#sealed, :run), #sealedAt = if_not_exists(#sealedAt, :at)',
      ConditionExpression: 'attribute_not_exists(#sealed) OR #sealed = :run',
      ExpressionAttributeNames: { '#sealed': 'sealedBy', '#sealedAt': 'sealedAt' },
      ExpressionAttributeValues: { ':run': runId, ':at': at.toISOString() },
      ReturnValues: 'ALL_NEW',
    }),
  );
  // Into a payee is a sale, out of it a refund (settlement's own payouts count neither: see the ledger).
  return countsOf(Attributes ?? {}, BUCKET_ATTRIBUTES, 'payee bucket');
}

/** The movements of the cutoff's minute recorded before the cutoff, from the index of the transfers. */
async function movementsBefore(store: Store, indexPk: string, cutoff: Date) {
  let counts = noCounts();
  let movements = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
        ExpressionAttributeValues: { ':pk': indexPk, ':cutoff': cutoff.toISOString() },
        Limit: PAGE,
        ExclusiveStartKey: start,
      }),
    );
    for (const m of page.Items ?? []) {
      movements++;
      counts = addCounts(counts, countsOf(m, RECORD_ATTRIBUTES, 'settlement movement'));
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return { counts, movements };
}
