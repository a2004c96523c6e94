import { GetQueryResultsCommand, type GetQueryResultsCommandOutput } from '@aws-sdk/client-athena';
import { athenaAuditRows } from '../../shared/ledger-audit/athena-rows';
import { auditResultOf } from '../../shared/ledger-audit/audit-result';
import { AUDIT_MISMATCH_ALARM, keepAuditResult } from '../../shared/ledger-audit/audits';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('audit-record');
let athena: import('@aws-sdk/client-athena').AthenaClient | undefined;

/** What the audit's state machine hands over once Athena has answered its query over the export. */
interface AuditDone {
  auditId: string;
  queryExecutionId: string;
  /** When the export's data is of. */
  exportTime: string;
}

/**
 * The last step of the full audit (Step Functions: export, then Athena): reads the query's rows
 * (a summary, the balances by kind, at most 100 mismatches and 100 unbalanced transfers), keeps the
 * result as the latest audit the reconciliation answers, and raises the alarm line on a mismatch.
 */
export const handler = deps.instrument(async (event: AuditDone) => {
  athena ??= new (await import('@aws-sdk/client-athena')).AthenaClient({});
  const rows: NonNullable<GetQueryResultsCommandOutput['ResultSet']>['Rows'] = [];
  let token: string | undefined;
  do {
    const page = await athena.send(
      new GetQueryResultsCommand({ QueryExecutionId: event.queryExecutionId, NextToken: token }),
    );
    rows.push(...(page.ResultSet?.Rows ?? []));
    token = page.NextToken;
  } while (token);
  const result = auditResultOf(athenaAuditRows(rows), {
    auditId: event.auditId,
    asOf: new Date(event.exportTime),
    checkedAt: deps.clock(),
  });
  await keepAuditResult(deps.store, result);
  if (!result.balanced) {
    deps.logger.error(AUDIT_MISMATCH_ALARM, {
      auditId: result.auditId,
      sumFen: result.sumFen,
      mismatches: result.mismatches.length,
      unbalancedTransfers: result.unbalancedTransfers.length,
      firstAccounts: result.mismatches.slice(0, 10).map((m) => m.accountId),
    });
  }
  deps.logger.info('ledger audit', { auditId: result.auditId, balanced: result.balanced, accounts: result.accounts });
  deps.metrics.add('LedgerAuditMismatches', result.mismatches.length + result.unbalancedTransfers.length);
  deps.metrics.add('StoredValueFen', result.byKind.wallet ?? 0);
  deps.metrics.add('JobSucceeded', 1, { job: 'audit' });
  return { auditId: result.auditId, balanced: result.balanced };
});
