import type { Holds } from './holds';

/** active; frozen (a lost phone: nothing comes off it); closed (emptied and left: nothing moves on it again). */
export const WALLET_STATUSES = ['active', 'frozen', 'closed'] as const;
export type WalletStatus = (typeof WALLET_STATUSES)[number];

/** What a statement entry says a movement was. */
export const ENTRY_KINDS = [
  'topup',
  'fare',
  'bill',
  'purchase',
  'refund',
  'allowance',
  'adjustment',
  'funding',
  'settlement',
  'facility',
  'cash-topup',
  'closure',
  'points-lapse',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** One leg of a transfer: positive credits the account, negative debits it. */
export interface Posting {
  accountId: string;
  amountFen: number;
}

/** A balanced set of postings, applied whole or not at all, once per transferId. */
export interface TransferSpec {
  transferId: string;
  kind: EntryKind;
  /** RFC 3339; when the movement happened in the world (a tap's own time). */
  at: string;
  description: string;
  /** What the movement is about: a tap id, a top-up id, a bill id. */
  ref: string;
  postings: Posting[];
  /** For a reversal or refund: the transfer it gives back. */
  reverses?: string;
  /**
   * What all give-backs of this transfer may return together, counted as what goes back to its payer
   * (a purchase: what the card paid, not the campaign's share). Default: the sum of its debits.
   */
  refundableFen?: number;
  /**
   * The alliance points of a purchase or refund, as its merchant's settlement counts them: what the
   * merchant funded (negative: taken back by a refund) and what it took in payment (negative: given
   * back). The merchant's posting is its sales less refunds less the points it funded.
   */
  points?: { fundedFen: number; spentFen: number };
}

/**
 * A citizen wallet as its commands read it: the card's own item with the balance, sequence number and
 * carried attributes of its newest entry (wallet-head.ts).
 */
export interface WalletItem {
  accountId: string;
  balanceFen: number;
  /** The newest entry's sequence number (0 before the first): the next entry takes the one after. */
  version: number;
  /** What the newest entry carries forward for the next (spread on the wallet too, for reading). */
  carried?: Record<string, unknown>;
  /** closed: the holder took the balance back and left; nothing moves on it again. */
  status: WalletStatus;
  /** No credit takes balance + open holds above this (a registered card: 500000 fen); absent: no limit. */
  maxBalanceFen?: number;
  holds?: Holds;
  [attribute: string]: unknown;
}

export interface StatementEntry {
  entryId: string;
  at: string;
  amountFen: number;
  balanceAfterFen: number;
  kind: EntryKind;
  description: string;
  ref: string;
}
