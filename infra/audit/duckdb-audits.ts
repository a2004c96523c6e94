import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type AuditResult, type AuditRow, auditResultOf } from '../../shared/ledger-audit/audit-result';
import { auditSql, EXPORT_ITEM_STRUCT } from '../../shared/ledger-audit/audit-sql';
import { keepAuditResult, type LedgerAudits } from '../../shared/ledger-audit/audits';
import type { Store } from '../../shared/store/store';
import { exportTable } from './local-export';

/** The audit's query over the export files in `dataDir`, as DuckDB reads DynamoDB's export format. */
export function duckdbAuditSql(dataDir: string): string {
  const files = join(dataDir, '*.json.gz').replaceAll("'", "''");
  return auditSql(
    `SELECT Item AS i FROM read_json('${files}', format = 'newline_delimited', columns = {Item: '${EXPORT_ITEM_STRUCT}'})`,
  );
}

/** Runs the audit's SQL on DuckDB (embedded, in memory) over an export's data files. */
export async function auditExport(dataDir: string): Promise<AuditRow[]> {
  // Loaded when an audit runs: the stack's other paths never pay for DuckDB's native library.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(duckdbAuditSql(dataDir));
    return reader.getRowObjectsJson() as unknown as AuditRow[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/**
 * The local stage's audits: export the table as DynamoDB would (local-export.ts), run the audit's SQL
 * on DuckDB, keep the result as the cloud keeps Athena's. Every audit covers every write committed
 * before it began, so the reconciliation answers the ledger as it is.
 */
export function duckdbAudits(client: DynamoDBClient, store: Store, clock: () => Date): LedgerAudits {
  const run = async (): Promise<AuditResult> => {
    const dir = await mkdtemp(join(tmpdir(), 'onecard-export-'));
    try {
      const asOf = clock();
      await exportTable(client, store.tableName, dir);
      const rows = await auditExport(join(dir, 'data'));
      const result = auditResultOf(rows, { auditId: `audit_${randomUUID()}`, asOf, checkedAt: clock() });
      await keepAuditResult(store, result);
      return result;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return {
    current: run,
    async start() {
      return { auditId: (await run()).auditId, status: 'done' };
    },
  };
}
