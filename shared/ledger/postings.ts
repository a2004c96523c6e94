import { InvariantError, invariant } from '../errors';
import { type Holds, openHoldsFen } from './holds';
import type { Posting, TransferSpec, WalletItem } from './model';

/** Nets the postings of one transfer per account: a transaction may touch each item once. */
export function netPostings(postings: Posting[]): Posting[] {
  const net = new Map<string, number>();
  for (const p of postings) {
    invariant(Number.isSafeInteger(p.amountFen), `posting ${p.accountId} is not integer fen: ${p.amountFen}`);
    net.set(p.accountId, (net.get(p.accountId) ?? 0) + p.amountFen);
  }
  return [...net]
    .filter(([, amountFen]) => amountFen !== 0)
    .map(([accountId, amountFen]) => ({ accountId, amountFen }));
}

/** The double-entry rule, asserted on every transfer before anything is written. */
export function assertBalanced(spec: TransferSpec): void {
  const sum = spec.postings.reduce((acc, p) => acc + p.amountFen, 0);
  if (sum !== 0) throw new InvariantError(`transfer ${spec.transferId} does not balance: sums to ${sum}`);
  invariant(spec.postings.length >= 2, `transfer ${spec.transferId} needs at least two postings`);
}

export type WalletRefusal = 'INSUFFICIENT_FUNDS' | 'CARD_FROZEN' | 'CARD_CLOSED' | 'BALANCE_LIMIT';

/**
 * The balances the wallets would have after the postings, or why the movement is refused:
 * a debit needs an active card and must leave the balance at or above the floor given for this
 * movement (0 unless the caller allows the negative limit, as transit does); a credit must leave the
 * balance at or below `ceilingFen` (the card's limit less its open holds), when one is given.
 */
export function walletOutcome(
  wallet: WalletItem,
  amountFen: number,
  floorFen: number,
  ceilingFen: number | null = null,
  settlesClosed = false,
): { ok: true; balanceAfterFen: number } | { ok: false; refusal: WalletRefusal } {
  const balanceAfterFen = wallet.balanceFen + amountFen;
  // A closed card was emptied and left: nothing comes off it, and nothing goes on it, ever again,
  // except the settling of its last money (a refund the provider refused, back, then paid out).
  if (wallet.status === 'closed') {
    return settlesClosed && balanceAfterFen >= 0
      ? { ok: true, balanceAfterFen }
      : { ok: false, refusal: 'CARD_CLOSED' };
  }
  if (amountFen < 0) {
    if (wallet.status !== 'active') return { ok: false, refusal: 'CARD_FROZEN' };
    if (balanceAfterFen < floorFen) return { ok: false, refusal: 'INSUFFICIENT_FUNDS' };
  }
  if (amountFen > 0 && ceilingFen !== null && balanceAfterFen > ceilingFen)
    return { ok: false, refusal: 'BALANCE_LIMIT' };
  return { ok: true, balanceAfterFen };
}

/**
 * The highest balance a credit may leave on the wallet: its limit less the holds open after the
 * movement (they may still come back). Null where the wallet has no limit.
 */
export function creditCeilingFen(wallet: WalletItem, holdsAfter: Holds | undefined, at: Date): number | null {
  if (typeof wallet.maxBalanceFen !== 'number') return null;
  return wallet.maxBalanceFen - openHoldsFen(holdsAfter, at);
}
