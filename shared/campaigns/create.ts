import { catalogGet, catalogHas } from '../catalog/catalog';
import { ConflictError, ValidationError } from '../errors';
import { campaignBudget, SYSTEM } from '../ledger/accounts';
import { runCommand } from '../ledger/command';
import { catalogKey } from '../store/keys';
import type { Store } from '../store/store';
import type { Campaign } from './model';

/**
 * A new alliance campaign and its budget, in one transaction: the catalogue entry, and the transfer
 * that funds its budget from the alliance's funding account. The same campaign again answers as
 * the first time; another campaign under the same id is a conflict.
 */
export async function createCampaign(store: Store, campaign: Campaign, now: Date): Promise<Campaign> {
  for (const merchantId of campaign.merchantIds) {
    if (!(await catalogHas(store, 'merchant', merchantId))) {
      throw new ValidationError([{ path: 'merchantIds', message: `unknown merchant ${merchantId}` }]);
    }
  }
  if (new Date(campaign.endsAt) <= new Date(campaign.startsAt)) {
    throw new ValidationError([{ path: 'endsAt', message: 'must be after startsAt' }]);
  }
  // Field by field: DynamoDB gives a map's keys back in its own order.
  const same = (stored: Record<string, unknown>) =>
    Object.entries(campaign).every(([field, value]) => JSON.stringify(stored[field]) === JSON.stringify(value));
  return runCommand(store, {
    reads: {},
    plan: () => ({
      ...(campaign.budgetFen > 0
        ? {
            transfer: {
              transferId: `fund:${campaign.campaignId}`,
              kind: 'funding' as const,
              at: now.toISOString(),
              description: `Budget of campaign ${campaign.campaignId}`,
              ref: campaign.campaignId,
              postings: [
                { accountId: SYSTEM.allianceFunding, amountFen: -campaign.budgetFen },
                { accountId: campaignBudget(campaign.campaignId), amountFen: campaign.budgetFen },
              ],
            },
          }
        : {}),
      writes: [
        {
          item: {
            Put: {
              TableName: store.tableName,
              Item: { ...catalogKey('campaign', campaign.campaignId), ...campaign, createdAt: now.toISOString() },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          onConditionFailed: 'replay',
        },
      ],
      result: campaign,
    }),
    replay: async () => {
      const stored = await catalogGet(store, 'campaign', campaign.campaignId);
      if (!stored) return undefined;
      if (!same(stored))
        throw new ConflictError('ALREADY_EXISTS', `Campaign ${campaign.campaignId} exists with other terms`);
      return campaign;
    },
  });
}
