import { invariant } from '../errors';

/** One account the audit found wrong: its stored balance against the replay of its postings. */
export interface AccountCheck {
  accountId: string;
  kind: string;
  balanceFen: number;
  /** The sum of every transfer's postings to this account. */
  replayedFen: number;
  /** Wallets only: the sum of the statement entries, and how many entries do not follow the one before. */
  entriesFen?: number;
  brokenEntries?: number;
  ok: false;
}

/** What an audit found, as GET /v1/admin/reconciliation answers it. */
export interface AuditResult {
  auditId: string;
  balanced: boolean;
  sumFen: number;
  accounts: number;
  transfers: number;
  /** At most 100 accounts whose balance is not the replay of their postings (or whose entries break). */
  mismatches: AccountCheck[];
  /** At most 100 transfers whose postings do not sum to 0. */
  unbalancedTransfers: { transferId: string; sumFen: number }[];
  byKind: Record<string, number>;
  /** The moment the audited data is of: the export's time (the local stage audits the store as it is). */
  asOf: string;
  checkedAt: string;
}

/** A row of the audit query (audit-sql.ts), its numbers as the engine gives them (strings from Athena). */
export interface AuditRow {
  section: string;
  name: string | null;
  kind: string | null;
  a: number | string | null;
  b: number | string | null;
  c: number | string | null;
  d: number | string | null;
  e: number | string | null;
}

const num = (v: number | string | bigint | null) => (v === null || v === '' ? 0 : Number(v));

/** The audit's answer from its query's rows. */
export function auditResultOf(rows: AuditRow[], meta: { auditId: string; asOf: Date; checkedAt: Date }): AuditResult {
  const summary = rows.find((r) => r.section === 'summary');
  invariant(summary !== undefined, 'the audit query answers a summary row');
  const byKind: Record<string, number> = {};
  for (const r of rows.filter((row) => row.section === 'kind')) byKind[r.kind ?? 'unknown'] = num(r.b);
  const mismatches = rows
    .filter((r) => r.section === 'mismatch')
    .map(
      (r): AccountCheck => ({
        accountId: r.name ?? '',
        kind: r.kind ?? 'unknown',
        balanceFen: num(r.a),
        replayedFen: num(r.b),
        ...(r.c === null ? {} : { entriesFen: num(r.c), brokenEntries: num(r.d) }),
        ok: false,
      }),
    );
  const unbalancedTransfers = rows
    .filter((r) => r.section === 'unbalanced')
    .map((r) => ({ transferId: (r.name ?? '').replace(/^XFER#/, ''), sumFen: num(r.a) }));
  const sumFen = num(summary.b);
  const unbalancedCount = num(summary.d);
  return {
    auditId: meta.auditId,
    balanced: sumFen === 0 && mismatches.length === 0 && unbalancedCount === 0 && !('unknown' in byKind),
    sumFen,
    accounts: num(summary.a),
    transfers: num(summary.c),
    mismatches,
    unbalancedTransfers,
    byKind,
    asOf: meta.asOf.toISOString(),
    checkedAt: meta.checkedAt.toISOString(),
  };
}
