import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, RetryLaterError } from '../errors';
import { attributes, isMap } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import { textOf } from '../store/kept-text';
import { idempotencyKey } from '../store/keys';
import type { Store } from '../store/store';

/** The one answer to a key sent again with another request. */
export const keyReused = () =>
  new ConflictError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');

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
    const response = attributes(Item, 'idempotency record').nested('response');
    const [status, body] = [response.int('status'), response.str('body')];
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

/**
 * A request whose own record is keyed by its Idempotency-Key (a top-up, a bill payment) keeps its key
 * there instead of in a claim of its own: the record, put only if new in the request's transaction,
 * carries the request's hash and its first answer. These are the attributes it adds.
 */
export function keptAnswerAttributes(
  requestHash: string,
  response: StoredResponse,
  /** The JSON text the record keeps as its `result` already (a transfer's): a body equal to it is not kept twice. */
  resultText?: string,
) {
  // The body as JSON text: a replay answers byte for byte what the first request got.
  const body = JSON.stringify(response.body);
  return { requestHash, answer: { status: response.status, ...(body === resultText ? {} : { body }) } };
}

export interface KeptAnswer {
  requestHash: string;
  response: StoredResponse;
}

/** The answer kept on a request's own record, if the record exists. */
export async function keptAnswer(store: Store, key: { pk: string; sk: string }): Promise<KeptAnswer | undefined> {
  const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: key, ConsistentRead: true }));
  return Item ? keptAnswerOf(Item) : undefined;
}

export function keptAnswerOf(item: Record<string, unknown>): KeptAnswer | undefined {
  if (typeof item.requestHash !== 'string' || !isMap(item.answer)) return undefined;
  const answer = attributes(item, 'kept answer').nested('answer');
  const body = answer.optStr('body') ?? textOf(item.result);
  return { requestHash: item.requestHash, response: { status: answer.int('status'), body: JSON.parse(body) } };
}

/**
 * Keeps a refusal (a 4xx) at the request's record key, so that a retry with the same key gets it again.
 * Only if nothing is there yet: a request that won meanwhile keeps its own answer, which is returned.
 */
export async function keepRefusal(
  store: Store,
  key: { pk: string; sk: string },
  requestHash: string,
  response: StoredResponse,
  now: Date,
): Promise<KeptAnswer | undefined> {
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...key,
          ...keptAnswerAttributes(requestHash, response),
          refused: true,
          ttl: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_RETENTION_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return undefined;
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  return keptAnswer(store, key);
}

/**
 * The replay of a command whose record keeps its Idempotency-Key: the record was put by a request
 * with the same key that ran at the same time (or by this one, whose answer was lost). Another body
 * is a conflict; the same body is told to retry, and the retry is answered from the record.
 */
export async function answeredMeanwhile(
  store: Store,
  key: { pk: string; sk: string },
  requestHash: string,
): Promise<undefined> {
  const kept = await keptAnswer(store, key);
  if (!kept) return undefined;
  if (kept.requestHash !== requestHash) throw keyReused();
  throw new RetryLaterError('A request with this Idempotency-Key was answered meanwhile: retry to get its answer');
}
