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
  STORE_FORMAT,
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
  if (marker.Item) {
    const format = await doc.send(new GetCommand({ TableName, Key: STORE_FORMAT, ConsistentRead: true }));
    if (!format.Item) {
      throw new Error(
        'This store was written by an earlier OneCard (its table has no activity index for settlement, or its cards keep their balance on their own item) and cannot be read as it is: start from an empty one (locally: remove .data/ or set ONECARD_DATA_DIR)',
      );
    }
    return false;
  }
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
  await put({ ...STORE_FORMAT, seededAt: now.toISOString() });
  await put({ ...SEED_MARKER, seededAt: now.toISOString() });
  return true;
}
