/**
 * The one place the DynamoDB tables are defined. The CDK data stack and the local stack both read
 * this, so the cloud and `npm start` cannot drift apart.
 *
 * One table holds the whole domain (single-table design): a tap writes the tap, the journey, the
 * replay guard and the ledger transfer in one TransactWriteItems, and one table keeps every such
 * item under one set of capacity, backup and encryption settings.
 */
export interface TableDefinition {
  /** Logical id in CDK; also the suffix of the local table name. */
  logicalId: string;
  partitionKey: string;
  sortKey: string;
  globalIndexes: {
    indexName: string;
    partitionKey: string;
    sortKey: string;
    /** What the index copies of each item: all of it, or its keys only (no index write when other attributes change). */
    projection: 'ALL' | 'KEYS_ONLY';
  }[];
  /** Attribute holding epoch seconds after which DynamoDB may delete the item. */
  timeToLiveAttribute: string;
}

export const MAIN_TABLE: TableDefinition = {
  logicalId: 'Main',
  partitionKey: 'pk',
  sortKey: 'sk',
  globalIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    // A second list for items already in the first: a bill payment's transfer record is in
    // settlement's index (gsi1) and in its biller's payments (gsi2).
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL' },
    // Which accounts moved money in an hour: each minute bucket of a payee or of top-up clearing is
    // listed under its hour, so settlement and the daily report read the accounts that moved, never
    // the catalogue. Keys only: a bucket's later movements change no key and write nothing here.
    { indexName: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'KEYS_ONLY' },
  ],
  timeToLiveAttribute: 'ttl',
};
