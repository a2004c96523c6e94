import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { InvariantError } from '../errors';
import type { Item } from './items';
import { backoffMs } from './retry';
import type { Store } from './store';

/** DynamoDB's limit on one BatchWriteItem. */
const BATCH_ITEMS = 25;
/** Rounds of unprocessed items before giving up: DynamoDB returns them when it throttles. */
const MAX_ROUNDS = 20;

/**
 * Puts every item, unconditionally (report rows, lines, listings: items whose key says what they are,
 * written again with the same content if a run repeats), 25 a batch, each batch retried until
 * DynamoDB took every item, with backoff between rounds.
 */
export async function putAll(store: Store, items: Item[], what: string): Promise<void> {
  for (let i = 0; i < items.length; i += BATCH_ITEMS) {
    let pending: Item[] = items.slice(i, i + BATCH_ITEMS);
    for (let round = 0; pending.length > 0; round++) {
      if (round > MAX_ROUNDS) throw new InvariantError(`${what} could not be written`);
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs(round)));
      const out = await store.doc.send(
        new BatchWriteCommand({
          RequestItems: { [store.tableName]: pending.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      pending = (out.UnprocessedItems?.[store.tableName] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [r.PutRequest.Item] : [],
      );
    }
  }
}
