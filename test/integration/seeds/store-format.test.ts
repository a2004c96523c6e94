import { resolve } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeeds } from '../../../infra/read-seeds';
import { seedStore } from '../../../shared/seeds/seed-store';
import { STORE_FORMAT } from '../../../shared/store/keys';
import { freshStore } from '../../support/table';

let store: Awaited<ReturnType<typeof freshStore>>;
beforeAll(async () => {
  store = await freshStore();
});
afterAll(() => store.destroy());

describe('a seeded store’s format', () => {
  it('seeds once, and refuses a store seeded by an earlier layout instead of reading its cards as empty', async () => {
    const seeds = readSeeds(resolve(import.meta.dirname, '../../../seeds'));
    expect(await seedStore(store, seeds, new Date())).toBe(true);
    expect(await seedStore(store, seeds, new Date())).toBe(false);
    await store.doc.send(new DeleteCommand({ TableName: store.tableName, Key: STORE_FORMAT }));
    await expect(seedStore(store, seeds, new Date())).rejects.toThrow(/earlier OneCard.*remove \.data/);
  });
});
