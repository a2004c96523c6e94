import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactItem } from './items';
import type { Store } from './store';

/**
 * Counts of what moves no money, by the hour (hours since 1970), for the operations console's
 * charts: declined taps by route, top-ups by outcome. Each event adds 1 to its name's count on one
 * of 8 shards (a wave at rush hour spread over 8 items), written in the event's own transaction so
 * a retried request is never counted twice.
 */
export const HOUR_COUNT_FAMILIES = ['tap-declines', 'topup-outcomes'] as const;
export type HourCountFamily = (typeof HOUR_COUNT_FAMILIES)[number];
const SHARDS = 8;
const NAME_PREFIX = 'n:';

const hourCountPk = (family: HourCountFamily, hour: number) => `HOURCOUNT#${family}#${hour}`;
export const hourOf = (at: Date) => Math.floor(at.getTime() / 3600_000);

/** Adds 1 to `name` in the hour of `at`: an update to put in the event's transaction. */
export function hourCountUpdate(tableName: string, family: HourCountFamily, name: string, at: Date): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: { pk: hourCountPk(family, hourOf(at)), sk: `s${Math.floor(Math.random() * SHARDS)}` },
      UpdateExpression: 'ADD #name :one',
      ExpressionAttributeNames: { '#name': `${NAME_PREFIX}${name}` },
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/** One hour's counts by name: one query of its shards. */
export async function hourCounts(store: Store, family: HourCountFamily, hour: number): Promise<Record<string, number>> {
  const { Items } = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': hourCountPk(family, hour) },
    }),
  );
  const counts: Record<string, number> = {};
  for (const item of Items ?? []) {
    for (const [attr, value] of Object.entries(item)) {
      if (!attr.startsWith(NAME_PREFIX) || typeof value !== 'number') continue;
      const name = attr.slice(NAME_PREFIX.length);
      counts[name] = (counts[name] ?? 0) + value;
    }
  }
  return counts;
}
