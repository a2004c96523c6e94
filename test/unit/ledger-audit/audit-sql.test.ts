import { describe, expect, it } from 'vitest';
import {
  accountLayout,
  allowanceReserve,
  billerPayable,
  campaignBudget,
  facilityPayable,
  merchantPayable,
  operatorPayable,
  outletTill,
  SYSTEM,
} from '../../../shared/ledger/accounts';
import { athenaAuditRows, exportIdOf } from '../../../shared/ledger-audit/athena-rows';
import { auditResultOf } from '../../../shared/ledger-audit/audit-result';
import { KIND_PATTERNS } from '../../../shared/ledger-audit/audit-sql';

/** SQL LIKE, as both engines read it: % any run, _ any one character. */
const like = (text: string, pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
  ).test(text);

describe('the audit’s SQL', () => {
  it('names every kind of account as the chart of accounts does', () => {
    const ids = [
      'card_abc123',
      operatorPayable('bus-co'),
      merchantPayable('m-tea'),
      billerPayable('water'),
      facilityPayable('f-park'),
      campaignBudget('c-tea10'),
      outletTill('o-station'),
      allowanceReserve('alw_x-y'),
      ...Object.values(SYSTEM),
    ];
    for (const id of ids) {
      const kind = KIND_PATTERNS.find(([, pattern]) => like(id, pattern))?.[0];
      expect([id, kind]).toEqual([id, accountLayout(id).kind]);
    }
  });

  it('reads Athena’s rows (strings, a header row) as DuckDB’s', () => {
    const row = (...values: (string | null)[]) => ({
      Data: values.map((v) => (v === null ? {} : { VarCharValue: v })),
    });
    const rows = athenaAuditRows([
      row('section', 'name', 'kind', 'a', 'b', 'c', 'd', 'e'),
      row('summary', null, null, '3', '0', '2', '0', null),
      row('kind', null, 'wallet', '1', '500', null, null, null),
      row('kind', null, 'topup-clearing', '1', '-500', null, null, null),
    ]);
    const result = auditResultOf(rows, { auditId: 'a1', asOf: new Date(0), checkedAt: new Date(0) });
    expect(result).toMatchObject({ balanced: true, accounts: 3, transfers: 2, byKind: { wallet: 500 } });
    expect(exportIdOf('arn:aws-cn:dynamodb:cn-north-1:1:table/Main/export/01700000000000-abcd1234')).toBe(
      '01700000000000-abcd1234',
    );
  });
});
