import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RateLimitedError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { rateKey } from '../store/keys';
import type { Store } from '../store/store';

/**
 * A fixed-window counter in DynamoDB: one conditional ADD per call, refused once the window's count
 * reaches the limit. Windows expire by TTL.
 */
export async function takeToken(store: Store, bucket: string, limit: number, windowSeconds: number, now: Date) {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const window = Math.floor(nowSeconds / windowSeconds);
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: rateKey(bucket, window),
        UpdateExpression: 'ADD #count :one SET #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
        ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':ttl': (window + 2) * windowSeconds },
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) {
      throw new RateLimitedError((window + 1) * windowSeconds - nowSeconds);
    }
    throw err;
  }
}
