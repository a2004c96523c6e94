import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { seedBillPut } from '../bills/bills';
import { createCampaign } from '../campaigns/create';
import {
  allowanceRulesKey,
  CITY_CONFIG,
  catalogKey,
  facilityCatalogKey,
  fareTableKey,
  OUTLETS_CONFIG,
  SEED_MARKER,
} from '../store/keys';
import type { Store } from '../store/store';
import type { SeedData } from './schema';

/**
 * Loads the seed city into a store that has never been seeded, and leaves a seeded one alone.
 * Every write is an idempotent put, and the marker goes last, so a crash half-way seeds again.
 */
export async function seedStore(store: Store, seeds: SeedData, now: Date): Promise<boolean> {
  const { doc, tableName: TableName } = store;
  const marker = await doc.send(new GetCommand({ TableName, Key: SEED_MARKER, ConsistentRead: true }));
  if (marker.Item) return false;
  const put = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName, Item }));

  await put({ ...CITY_CONFIG, ...seeds.city });
  await put({ ...fareTableKey(seeds.fares.version), table: seeds.fares });
  await put({ ...facilityCatalogKey(seeds.facilities.version), catalog: seeds.facilities });
  await put({ ...OUTLETS_CONFIG, config: seeds.outlets });
  await put({ ...allowanceRulesKey(seeds.allowance.version), rules: seeds.allowance });
  for (const merchant of seeds.merchants) await put({ ...catalogKey('merchant', merchant.merchantId), ...merchant });
  for (const campaign of seeds.campaigns) await createCampaign(store, campaign, now);
  for (const biller of seeds.billers) {
    await put({ ...catalogKey('biller', biller.billerId), billerId: biller.billerId, name: biller.name });
    for (const bill of biller.bills) await put(seedBillPut(biller.billerId, bill, now));
  }
  await put({ ...SEED_MARKER, seededAt: now.toISOString() });
  return true;
}
