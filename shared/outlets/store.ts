import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { OUTLETS_CONFIG } from '../store/keys';
import type { Store } from '../store/store';
import { ttlCache } from '../store/ttl-cache';
import { type OutletsConfig, OutletsConfigSchema } from './model';

const CACHE_MS = 60_000;

/** The outlets' limits from the store, cached per process. */
export function outletsConfigLoader(store: Store, clock: () => Date) {
  return ttlCache(
    async (): Promise<OutletsConfig> => {
      const { Item } = await store.doc.send(new GetCommand({ TableName: store.tableName, Key: OUTLETS_CONFIG }));
      if (!Item) throw new Error('the outlets configuration is missing: the store was never seeded');
      return OutletsConfigSchema.parse(Item.config);
    },
    clock,
    CACHE_MS,
  );
}
