import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RateLimitedError } from '../errors';
import { attributes } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import { loginFailuresKey } from '../store/keys';
import type { Store } from '../store/store';

/**
 * Wrong login codes a phone may send in a day, across every code it asks for: a resend gives a
 * fresh code 5 tries, so without this a phone could guess 15 times a minute (the 1-in-a-million code
 * falls in about 46 days). With it: 10 guesses a day, about 270 years for an even chance.
 */
export const MAX_LOGIN_FAILURES = 10;
export const LOGIN_FAILURE_WINDOW_SECONDS = 24 * 3600;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** 429 once the phone has used up its wrong codes, until a day after the first of them; the right code too. */
export async function assertLoginAllowed(store: Store, hashedPhone: string, now: Date): Promise<void> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: loginFailuresKey(hashedPhone), ConsistentRead: true }),
  );
  if (!Item) return;
  const failures = attributes(Item, 'login failures');
  const until = failures.int('firstAtSeconds') + LOGIN_FAILURE_WINDOW_SECONDS;
  if (failures.int('count') >= MAX_LOGIN_FAILURES && seconds(now) < until) {
    throw new RateLimitedError(until - seconds(now), 'Too many wrong codes for this phone; try again later');
  }
}

/**
 * Counts a token request that did not log in. Within a day of the first failure it adds to the count;
 * after that day it starts a new count. Both are conditional on the window, so racing requests agree.
 */
export async function recordLoginFailure(store: Store, hashedPhone: string, now: Date): Promise<void> {
  const nowSeconds = seconds(now);
  const windowStart = nowSeconds - LOGIN_FAILURE_WINDOW_SECONDS;
  const names = { '#count': 'count', '#first': 'firstAtSeconds', '#ttl': 'ttl' };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: loginFailuresKey(hashedPhone),
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: '#first > :windowStart',
          ExpressionAttributeNames: { '#count': 'count', '#first': 'firstAtSeconds' },
          ExpressionAttributeValues: { ':one': 1, ':windowStart': windowStart },
        }),
      );
      return;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
    try {
      await store.doc.send(
        new UpdateCommand({
          TableName: store.tableName,
          Key: loginFailuresKey(hashedPhone),
          UpdateExpression: 'SET #count = :one, #first = :now, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(#first) OR #first <= :windowStart',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ':one': 1,
            ':now': nowSeconds,
            ':windowStart': windowStart,
            ':ttl': nowSeconds + LOGIN_FAILURE_WINDOW_SECONDS + 3600,
          },
        }),
      );
      return;
    } catch (err) {
      // Another request started the new count first: add to it.
      if (!isConditionFailed(err)) throw err;
    }
  }
}
