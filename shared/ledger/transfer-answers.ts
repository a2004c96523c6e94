import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { invariant, RetryLaterError } from '../errors';
import { attributes } from '../store/attributes';
import { textOf } from '../store/kept-text';
import { transferKey } from '../store/keys';
import { backoffMs } from '../store/retry';
import type { Store } from '../store/store';

/** A page's worth: BatchGetItem reads at most 100 keys a request. */
export const MAX_ANSWERS_PER_READ = 100;
/** How many times a read asks again for answers DynamoDB left unread (throttled) before it says retry later. */
const MAX_ANSWER_READS = 3;

/**
 * The answers these transfers kept, as the JSON text first answered (what a replay answers), by
 * transferId: one batch read of their records, each only its answer. A transfer with none is left out.
 */
export async function transferAnswers(store: Store, transferIds: string[]): Promise<Map<string, string>> {
  invariant(transferIds.length <= MAX_ANSWERS_PER_READ, 'a read asks for at most a page’s answers');
  const out = new Map<string, string>();
  const idOf = new Map(transferIds.map((id) => [transferKey(id).pk, id]));
  let keys: Record<string, unknown>[] = [...new Set(transferIds)].map((id) => transferKey(id));
  for (let attempt = 0; keys.length > 0; attempt++) {
    if (attempt === MAX_ANSWER_READS) throw new RetryLaterError();
    // Keys left unread mean DynamoDB is pushing back: wait a little before asking again.
    if (attempt > 0) await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    const read = await store.doc.send(
      new BatchGetCommand({
        RequestItems: {
          [store.tableName]: { Keys: keys, ProjectionExpression: 'pk, #result', ExpressionAttributeNames: ANSWER },
        },
      }),
    );
    for (const item of read.Responses?.[store.tableName] ?? []) {
      const id = idOf.get(attributes(item, 'transfer answer').str('pk'));
      invariant(id !== undefined, 'a batch read answered a key it was not asked for');
      if (item.result !== undefined) out.set(id, textOf(item.result));
    }
    keys = read.UnprocessedKeys?.[store.tableName]?.Keys ?? [];
  }
  return out;
}
const ANSWER = { '#result': 'result' };
