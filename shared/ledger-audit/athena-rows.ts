import type { AuditRow } from './audit-result';

/** Athena's result rows (a header row, then values as strings) as the audit's rows. */
export function athenaAuditRows(rows: { Data?: { VarCharValue?: string }[] }[]): AuditRow[] {
  const [header, ...values] = rows;
  const names = (header?.Data ?? []).map((d) => d.VarCharValue ?? '');
  return values.map((row) => {
    const out: Record<string, string | null> = {};
    names.forEach((name, i) => {
      out[name] = row.Data?.[i]?.VarCharValue ?? null;
    });
    return out as unknown as AuditRow;
  });
}

/** The export's id, from its ARN (`arn:...:table/<name>/export/<id>`): the partition the audit reads. */
export const exportIdOf = (exportArn: string) => exportArn.slice(exportArn.lastIndexOf('/') + 1);
