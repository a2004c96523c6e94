import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { isCancelled } from '../store/conditions';
import { keptJson, keptText } from '../store/kept-text';
import { LEDGER_AUDIT_HEAD, ledgerAuditKey } from '../store/keys';
import type { Store } from '../store/store';
import type { AuditResult } from './audit-result';

/**
 * The full audit of the ledger, run by an analytics engine over an export of the table: Athena over
 * DynamoDB's point-in-time export in the cloud, DuckDB over a local export in the same format here.
 */
export interface LedgerAudits {
  /**
   * What GET /v1/admin/reconciliation answers: locally an audit of every movement committed before
   * the call, run now; in the cloud the latest completed audit (its `asOf` says of when), if any.
   */
  current(): Promise<AuditResult | undefined>;
  /** Starts an audit: locally it runs to its end; in the cloud the export and the query start. */
  start(): Promise<{ auditId: string; status: 'running' | 'done' }>;
}

/** The log line a failed audit raises; a metric filter turns it into an alarm in the cloud. */
export const AUDIT_MISMATCH_ALARM = 'LEDGER_AUDIT_MISMATCH';

/**
 * Keeps a completed audit and moves the latest pointer to it, unless a later one (by the time its
 * data is of) is there already: two audits finishing out of order leave the newer data as the latest.
 */
export async function keepAuditResult(store: Store, result: AuditResult): Promise<void> {
  const record = { result: keptText(JSON.stringify(result)), asOf: result.asOf, auditId: result.auditId };
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: store.tableName, Item: { ...ledgerAuditKey(result.auditId), ...record } } },
          {
            Put: {
              TableName: store.tableName,
              Item: { ...LEDGER_AUDIT_HEAD, ...record },
              ConditionExpression: 'attribute_not_exists(asOf) OR asOf <= :asOf',
              ExpressionAttributeValues: { ':asOf': result.asOf },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (!isCancelled(err)) throw err;
    // A newer audit is the latest already: this one is kept under its own id only.
    await store.doc.send(
      new PutCommand({ TableName: store.tableName, Item: { ...ledgerAuditKey(result.auditId), ...record } }),
    );
  }
}

/** The latest completed audit, if one ever completed. */
export async function latestAuditResult(store: Store): Promise<AuditResult | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: LEDGER_AUDIT_HEAD, ConsistentRead: true }),
  );
  return Item ? keptJson<AuditResult>(Item.result) : undefined;
}
