import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { auditExport } from '../../infra/audit/duckdb-audits';
import { exportTable } from '../../infra/audit/local-export';
import { LOCAL_AWS } from '../../infra/dynamo-local';
import { type AuditResult, auditResultOf } from '../../shared/ledger-audit/audit-result';
import { dynamoClient, type Store } from '../../shared/store/store';

/**
 * The full audit of a test's table, as the local stage runs it: the table exported in DynamoDB's
 * export format, the audit's SQL on DuckDB. For tests that call the domain without the HTTP stack.
 */
export async function auditOf(store: Store, now = new Date()): Promise<AuditResult> {
  const client = dynamoClient({ endpoint: inject('dynamoEndpoint'), ...LOCAL_AWS });
  const dir = await mkdtemp(join(tmpdir(), 'onecard-test-export-'));
  try {
    await exportTable(client, store.tableName, dir);
    return auditResultOf(await auditExport(join(dir, 'data')), { auditId: 'test', asOf: now, checkedAt: now });
  } finally {
    client.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
