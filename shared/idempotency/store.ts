import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../store/conditions';
import { idempotencyKey } from '../store/keys';
import type { Store } from '../store/store';

/** The contract keeps keys at least 24 hours; we keep them 48 so a retry across a day boundary still finds them. */
export const IDEMPOTENCY_RETENTION_SECONDS = 48 * 3600;
/** A claim whose holder died (a Lambda timeout) is taken over after this. */
export const IDEMPOTENCY_LOCK_MS = 30_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { state: 'claimed' }
  | { state: 'done'; response: StoredResponse }
  | { state: 'mismatch' }
  | { state: 'busy' };

/**
 * Claims a key for one request: a new key, or one whose earlier holder died mid-way with the same
 * request. Otherwise answers what the first request got, that the body differs, or that it is still running.
 */
export async function claimKey(
  store: Store,
  scope: string,
  key: string,
  requestHash: string,
  now: Date,
): Promise<Claim> {
  const nowMs = now.getTime();
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...idempotencyKey(scope, key),
          requestHash,
          state: 'pending',
          lockedUntilMs: nowMs + IDEMPOTENCY_LOCK_MS,
          ttl: Math.floor(nowMs / 1000) + IDEMPOTENCY_RETENTION_SECONDS,
        },
        ConditionExpression:
          'attribute_not_exists(pk) OR (#state = :pending AND requestHash = :hash AND lockedUntilMs < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':hash': requestHash, ':now': nowMs },
      }),
    );
    return { state: 'claimed' };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: idempotencyKey(scope, key), ConsistentRead: true }),
  );
  if (!Item) return { state: 'busy' };
  if (Item.requestHash !== requestHash) return { state: 'mismatch' };
  if (Item.state === 'done') {
    const { status, body } = Item.response as { status: number; body: string };
    return { state: 'done', response: { status, body: JSON.parse(body) } };
  }
  return { state: 'busy' };
}

export async function completeKey(store: Store, scope: string, key: string, response: StoredResponse) {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: idempotencyKey(scope, key),
      UpdateExpression: 'SET #state = :done, #response = :response',
      ExpressionAttributeNames: { '#state': 'state', '#response': 'response' },
      // The body as JSON text: a replay answers byte for byte what the first request got.
      ExpressionAttributeValues: {
        ':done': 'done',
        ':response': { status: response.status, body: JSON.stringify(response.body) },
      },
    }),
  );
}

/** A 5xx is not an answer: the key is freed so the client's retry runs the request again. */
export async function releaseKey(store: Store, scope: string, key: string) {
  await store.doc.send(
    new UpdateCommand({
      TableName: store.tableName,
      Key: idempotencyKey(scope, key),
      UpdateExpression: 'SET lockedUntilMs = :zero',
      ExpressionAttributeValues: { ':zero': 0 },
    }),
  );
}
