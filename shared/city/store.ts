import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CITY_CONFIG } from '../store/keys';
import type { Store } from '../store/store';
import { type CityConfig, CityConfigSchema } from './model';

/** How long an instance keeps the city's card rules before reading them again. */
const CACHE_MS = 60_000;

/** The city's card rules from the store, cached per process. */
export function cityConfigLoader(store: Store, clock: () => Date) {
  let cached: { value: CityConfig; at: number } | undefined;
  return async (): Promise<CityConfig> => {
    const now = clock().getTime();
    if (cached && now - cached.at < CACHE_MS) return cached.value;
    const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: CITY_CONFIG }));
    if (!Item) throw new Error('the city configuration is missing: the store was never seeded');
    const { pk: _pk, sk: _sk, ...rest } = Item;
    cached = { value: CityConfigSchema.parse(rest), at: now };
    return cached.value;
  };
}
