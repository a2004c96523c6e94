import type { PayeeKind } from '../ledger/accounts';
import type { PayeeCounts } from '../ledger/payee-counts';

/** One payee's share of a run: the contract's line. */
export interface SettlementLine {
  payeeKind: PayeeKind;
  payeeId: string;
  salesFen: number;
  refundsFen: number;
  /** Alliance points its customers earned here (less what refunds took back), funded out of its sales. */
  pointsFundedFen: number;
  /** What its customers paid here in alliance points (part of its sales, paid in full). */
  pointsSpentFen: number;
  feeFen: number;
  netFen: number;
  payoutFen: number;
  carriedFen: number;
}

export interface SettlementRun {
  runId: string;
  cutoff: string;
  previousCutoff: string | null;
  lines: SettlementLine[];
  payoutFen: number;
}

/** What a run counted of one payee shard's cutoff minute, so that the next run counts the rest. */
export interface Boundary extends PayeeCounts {
  minute: number;
}

export interface Payee {
  payeeKind: PayeeKind;
  payeeId: string;
  accountId: string;
  /** The shards of its account that moved money in the cycle: the only ones a run reads. */
  shards: number[];
  feeBasisPoints: number;
}

export const CSV_HEADER = [
  'payeeKind',
  'payeeId',
  'salesFen',
  'refundsFen',
  'pointsFundedFen',
  'pointsSpentFen',
  'feeFen',
  'netFen',
  'payoutFen',
  'carriedFen',
] as const;
