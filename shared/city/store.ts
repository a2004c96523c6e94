import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { CITY_CONFIG } from '../store/keys';
import type { Store } from '../store/store';
import { ttlCache } from '../store/ttl-cache';
import { type CityConfig, CityConfigSchema } from './model';

/** How long an instance keeps the city's card rules before reading them again. */
const CACHE_MS = 60_000;

/** The city's card rules from the store, cached per process. */
export function cityConfigLoader(store: Store, clock: () => Date) {
  return ttlCache(
    async (): Promise<CityConfig> => {
      const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: CITY_CONFIG }));
      if (!Item) throw new Error('the city configuration is missing: the store was never seeded');
      const { pk: _pk, sk: _sk, ...rest } = Item;
      return CityConfigSchema.parse(rest);
    },
    clock,
    CACHE_MS,
  );
}
