import { csvOf } from '../text/csv';
import { CSV_HEADER, type SettlementRun } from './model';

/** The run's CSV: the header, then one row per line, as the API answers them. */
export function settlementCsv(run: SettlementRun): string {
  return csvOf(
    CSV_HEADER,
    run.lines.map((l) => CSV_HEADER.map((column) => l[column])),
  );
}
