import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RateLimitedError } from '../errors';
import { rateKey } from '../store/keys';
import type { Store } from '../store/store';

/** A busy client's counter is written once per this many of its requests, not once per request. */
export const FLUSH_EVERY = 10;
/** Counters this instance keeps at most (the oldest window is dropped first). */
const MAX_BUCKETS = 10_000;

interface WindowCount {
  window: number;
  /** The shared count as this instance last read it back. */
  known: number;
  /** Requests this instance let through and has not added to the shared count yet. */
  pending: number;
  /** This instance's addition to the shared count now on its way: requests meanwhile wait for its answer. */
  flushing?: Promise<unknown>;
}

/**
 * A fixed-window limit shared by every instance through one DynamoDB counter per window, written in
 * batches: each instance adds its count every FLUSH_EVERY requests, and on every request once the
 * limit is within FLUSH_EVERY, where it is as exact as a write per request. Far from the limit an
 * instance may let through up to FLUSH_EVERY - 1 requests the others have not seen yet; a machine
 * client's hot path (a validator's taps) thus pays a tenth of a write for its limit.
 *
 * Requests at once: while an instance adds to the shared count, its other requests for the client wait
 * for the answer and decide on it, so an instance never has more than FLUSH_EVERY - 1 requests through
 * that the shared count has not seen. One instance then lets through the limit exactly, however many
 * requests arrive together, and a window lets through at most the limit and FLUSH_EVERY - 1 more for
 * each other instance.
 */
export function batchedWindowLimit(store: Store, limit: number, windowSeconds: number) {
  const counts = new Map<string, WindowCount>();
  const countFor = (bucket: string, window: number) => {
    const known = counts.get(bucket);
    if (known?.window === window) return known;
    if (counts.size >= MAX_BUCKETS) counts.delete(counts.keys().next().value!);
    const fresh: WindowCount = { window, known: 0, pending: 0 };
    counts.delete(bucket);
    counts.set(bucket, fresh);
    return fresh;
  };
  const addToShared = async (bucket: string, count: WindowCount, adding: number) => {
    const { Attributes } = await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: rateKey(bucket, count.window),
        UpdateExpression: 'ADD #count :n SET #ttl = :ttl',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':n': adding, ':ttl': (count.window + 2) * windowSeconds },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    count.known = Math.max(count.known, Number(Attributes?.count ?? 0));
  };
  return async (bucket: string, now: Date) => {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const window = Math.floor(nowSeconds / windowSeconds);
    const refuse = () => new RateLimitedError((window + 1) * windowSeconds - nowSeconds);
    let count = countFor(bucket, window);
    while (count.flushing) {
      await count.flushing;
      count = countFor(bucket, window);
    }
    if (count.known + count.pending >= limit) throw refuse();
    count.pending++;
    const nearLimit = count.known + count.pending + FLUSH_EVERY > limit;
    if (count.pending < FLUSH_EVERY && !nearLimit) return;
    const adding = count.pending;
    count.pending = 0;
    const flush = addToShared(bucket, count, adding);
    const settled = flush.catch(() => undefined);
    count.flushing = settled;
    void settled.then(() => {
      if (count.flushing === settled) count.flushing = undefined;
    });
    await flush;
    // This request was counted: past the limit, it is the one refused.
    if (count.known > limit) throw refuse();
  };
}
