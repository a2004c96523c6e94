import { QueryCommand } from '@aws-sdk/lib-dynamodb';
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
