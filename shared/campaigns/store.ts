import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { catalogGet } from '../catalog/catalog';
import { attributes } from '../store/attributes';
import { catalogPk } from '../store/keys';
import type { Store } from '../store/store';
import { ttlCache } from '../store/ttl-cache';
import { type Campaign, CheckedCampaignSchema, DEFAULT_POINTS_TERMS } from './model';

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

/** How long an instance keeps a merchant's terms, and how many it keeps: a city has 100,000 merchants. */
const TERMS_CACHE_MS = 5 * 60_000;
const MAX_TERMS = 10_000;

/** What a purchase needs of its merchant's catalogue entry: its name for the statement, its points terms. */
export interface MerchantTerms {
  /** Undefined for a merchant the catalogue does not name (its id is shown). */
  name: string | undefined;
  pointsEarnBasisPoints: number;
  pointsSpendMaxPercent: number;
}

/** A merchant the catalogue does not hold earns no points and takes none. */
const UNLISTED: MerchantTerms = { name: undefined, pointsEarnBasisPoints: 0, pointsSpendMaxPercent: 0 };

/**
 * A merchant's terms as the catalogue has them ("Purchase at Old Harbour Teahouse", its points rate):
 * one read per merchant per instance every five minutes, the oldest forgotten past 10,000. A changed
 * rate applies to purchases within five minutes.
 */
export function merchantTermsLoader(store: Store, clock: () => Date) {
  const terms = new Map<string, { terms: MerchantTerms; at: number }>();
  return async (merchantId: string): Promise<MerchantTerms> => {
    const now = clock().getTime();
    const hit = terms.get(merchantId);
    if (hit && now - hit.at < TERMS_CACHE_MS) return hit.terms;
    const entry = await catalogGet(store, 'merchant', merchantId);
    const found = entry ? termsOf(entry) : UNLISTED;
    terms.delete(merchantId);
    if (terms.size >= MAX_TERMS) terms.delete(terms.keys().next().value ?? '');
    terms.set(merchantId, { terms: found, at: now });
    return found;
  };
}
export type MerchantTermsLoader = ReturnType<typeof merchantTermsLoader>;

function termsOf(entry: Record<string, unknown>): MerchantTerms {
  const a = attributes(entry, 'merchant');
  return {
    name: a.optStr('name'),
    pointsEarnBasisPoints: a.optInt('pointsEarnBasisPoints') ?? DEFAULT_POINTS_TERMS.pointsEarnBasisPoints,
    pointsSpendMaxPercent: a.optInt('pointsSpendMaxPercent') ?? DEFAULT_POINTS_TERMS.pointsSpendMaxPercent,
  };
}
