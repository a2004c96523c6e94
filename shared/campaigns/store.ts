import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { catalogGet } from '../catalog/catalog';
import { catalogPk } from '../store/keys';
import type { Store } from '../store/store';
import { ttlCache } from '../store/ttl-cache';
import { type Campaign, CheckedCampaignSchema } from './model';

/** How long an instance keeps the campaign list; campaigns change by the day, not the second. */
const CACHE_MS = 30_000;
/** Campaigns read at most: an alliance runs dozens, not thousands. */
const MAX_CAMPAIGNS = 1000;

export function campaignsLoader(store: Store, clock: () => Date) {
  return ttlCache(
    async (): Promise<Campaign[]> => {
      const page = await store.doc.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': catalogPk('campaign') },
          Limit: MAX_CAMPAIGNS,
        }),
      );
      return (page.Items ?? []).map(({ pk: _pk, sk: _sk, createdAt: _created, ...c }) =>
        CheckedCampaignSchema.parse(c),
      );
    },
    clock,
    CACHE_MS,
  );
}
export type CampaignsLoader = ReturnType<typeof campaignsLoader>;

/** How long an instance keeps a merchant's name, and how many it keeps: a city has 100,000 merchants. */
const NAME_CACHE_MS = 5 * 60_000;
const MAX_NAMES = 10_000;

/**
 * A merchant's name as the catalogue has it, for the statement line a purchase writes ("Purchase at
 * Old Harbour Teahouse", not its id): one read per merchant per instance every five minutes, the
 * oldest forgotten past 10,000. Undefined for a merchant the catalogue does not name.
 */
export function merchantNamesLoader(store: Store, clock: () => Date) {
  const names = new Map<string, { name: string | undefined; at: number }>();
  return async (merchantId: string): Promise<string | undefined> => {
    const now = clock().getTime();
    const hit = names.get(merchantId);
    if (hit && now - hit.at < NAME_CACHE_MS) return hit.name;
    const entry = await catalogGet(store, 'merchant', merchantId);
    const name = typeof entry?.name === 'string' ? entry.name : undefined;
    names.delete(merchantId);
    if (names.size >= MAX_NAMES) names.delete(names.keys().next().value ?? '');
    names.set(merchantId, { name, at: now });
    return name;
  };
}
