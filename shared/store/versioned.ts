import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors';
import { isConditionFailed } from './conditions';
import { partitionPage } from './partition-page';
import type { Store } from './store';
import { ttlCache } from './ttl-cache';

/** A document published in versions, each in force from its own time (fare tables, facility products). */
export interface Versioned {
  version: number;
  effectiveFrom: string;
}

/** Versions kept in view: enough for a week of offline uploads across changes. */
const VERSIONS_READ = 20;

const versionSk = (version: number) => `v${String(version).padStart(8, '0')}`;
const VERSION_SK = /^v\d{8}$/;

/**
 * The versions of one document kind under partition `pk` (the document in attribute `field`), cached
 * per process for `cacheMs`; a new version takes effect at its stated time anyway.
 */
export function versionedDocuments<T extends Versioned>(
  store: Store,
  clock: () => Date,
  options: { pk: string; field: string; cacheMs: number; what: string },
) {
  const all = ttlCache(
    async (): Promise<T[]> => {
      const page = await store.doc.send(
        new QueryCommand({
          TableName: store.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': options.pk },
          ScanIndexForward: false,
          Limit: VERSIONS_READ,
        }),
      );
      return (page.Items ?? []).map((i) => i[options.field] as T);
    },
    clock,
    options.cacheMs,
  );
  return {
    all,
    /** The version in force at `at`: the newest whose effectiveFrom is not after it (the oldest before any). */
    async at(at: Date): Promise<T> {
      const docs = await all();
      const inForce = docs
        .filter((t) => new Date(t.effectiveFrom).getTime() <= at.getTime())
        .sort(
          (a, b) => new Date(b.effectiveFrom).getTime() - new Date(a.effectiveFrom).getTime() || b.version - a.version,
        )[0];
      const doc = inForce ?? docs[docs.length - 1];
      if (!doc) throw new Error(`no ${options.what}: the store was never seeded`);
      return doc;
    },
    /** One page of every version kept, newest first: what an operator browses. */
    async page(page: { limit: number; cursor?: string | undefined }) {
      const read = await partitionPage(store, {
        list: `versions-${options.pk}`,
        pk: options.pk,
        skShape: VERSION_SK,
        newestFirst: true,
        ...page,
      });
      return { items: read.items.map((i) => i[options.field] as T), nextCursor: read.nextCursor };
    },
    async publish(doc: T): Promise<void> {
      try {
        await store.doc.send(
          new PutCommand({
            TableName: store.tableName,
            Item: { pk: options.pk, sk: versionSk(doc.version), [options.field]: doc },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (err) {
        if (isConditionFailed(err)) {
          throw new ConflictError(
            'ALREADY_EXISTS',
            `${options.what} version ${doc.version} exists; publish a new version`,
          );
        }
        throw err;
      }
      all.clear();
    },
  };
}
