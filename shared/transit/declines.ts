import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { GuardedWrite } from '../ledger/command';
import { tapDeclinesKey, tapDeclinesPk } from '../store/keys';
import type { Store } from '../store/store';

/**
 * Declined taps move no money, so no bucket counts them: each one adds 1 to its route's count in
 * its hour, on one of 8 shards (a wave of declines at rush hour spread over 8 items), in the same
 * transaction as the decline's record, so a retried tap is never counted twice.
 */
const SHARDS = 8;
const ROUTE_PREFIX = 'route:';

export function declineCountWrite(tableName: string, routeId: string, at: Date): GuardedWrite {
  const hour = Math.floor(at.getTime() / 3600_000);
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: tapDeclinesKey(hour, Math.floor(Math.random() * SHARDS)),
        UpdateExpression: 'ADD #route :one',
        ExpressionAttributeNames: { '#route': `${ROUTE_PREFIX}${routeId}` },
        ExpressionAttributeValues: { ':one': 1 },
      },
    },
    onConditionFailed: 'replan',
  };
}

/** One hour's declined taps by route: one query of its shards. */
export async function declinesInHour(store: Store, hour: number): Promise<Record<string, number>> {
  const { Items } = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tapDeclinesPk(hour) },
    }),
  );
  const byRoute: Record<string, number> = {};
  for (const item of Items ?? []) {
    for (const [name, value] of Object.entries(item)) {
      if (name.startsWith(ROUTE_PREFIX) && typeof value === 'number') {
        const route = name.slice(ROUTE_PREFIX.length);
        byRoute[route] = (byRoute[route] ?? 0) + value;
      }
    }
  }
  return byRoute;
}
