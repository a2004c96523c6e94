import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import { isConditionFailed } from '../store/conditions';
import { fareTableKey } from '../store/keys';
import type { Store } from '../store/store';
import type { FareTable } from './fare-table';

/** How long an instance keeps the fare tables before reading them again; a new version takes effect at a stated time anyway. */
const CACHE_MS = 30_000;
/** Versions kept in view: enough for a week of offline uploads across fare changes. */
const VERSIONS_READ = 20;

/** Versioned fare tables, each effective from its own time; a tap is priced by the one in force at its `at`. */
export function fareTables(store: Store, clock: () => Date) {
  let cached: { tables: FareTable[]; at: number } | undefined;
  async function all(): Promise<FareTable[]> {
    const now = clock().getTime();
    if (cached && now - cached.at < CACHE_MS) return cached.tables;
    const page = await store.doc.send(
      new QueryCommand({
        TableName: store.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'FARES' },
        ScanIndexForward: false,
        Limit: VERSIONS_READ,
      }),
    );
    const tables = (page.Items ?? []).map((i) => i.table as FareTable);
    cached = { tables, at: now };
    return tables;
  }
  return {
    all,
    /** The table in force at `at`: the newest version whose effectiveFrom is not after it. */
    async at(at: Date): Promise<FareTable> {
      const tables = await all();
      const inForce = tables
        .filter((t) => new Date(t.effectiveFrom).getTime() <= at.getTime())
        .sort(
          (a, b) => new Date(b.effectiveFrom).getTime() - new Date(a.effectiveFrom).getTime() || b.version - a.version,
        )[0];
      const table = inForce ?? tables[tables.length - 1];
      if (!table) throw new Error('no fare table: the store was never seeded');
      return table;
    },
    async publish(table: FareTable): Promise<void> {
      try {
        await store.doc.send(
          new PutCommand({
            TableName: store.tableName,
            Item: { ...fareTableKey(table.version), table },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (isConditionFailed(err)) {
          throw new ConflictError(
            'ALREADY_EXISTS',
            `Fare table version ${table.version} exists; publish a new version`,
          );
        }
        throw err;
      }
      cached = undefined;
    },
  };
}
export type FareTables = ReturnType<typeof fareTables>;
