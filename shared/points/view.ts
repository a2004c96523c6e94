import { cardPoints } from '../ledger/accounts';
import type { StatementEntry } from '../ledger/model';
import { statementPage } from '../ledger/statement';
import { readWallet } from '../ledger/wallet-head';
import type { Store } from '../store/store';
import { lapsedBy, lapseMonthOf, lotsOf, monthOf } from './lots';

export interface PointsView {
  /** Points on the card (1 point = 1 fen at alliance merchants), lapsed ones not yet taken off included. */
  balance: number;
  /** What a purchase may spend now: the balance less what has lapsed. */
  spendable: number;
  /** What lapses when, soonest first: each month's points on the first day of the 13th month after it. */
  lots: { earnedMonth: string; points: number; lapsesOn: string }[];
  /** The points' history, newest first: earned, spent, given back, taken back, lapsed. */
  items: StatementEntry[];
  nextCursor: string | null;
}

/** A card's points as the app shows them: balance, what lapses when, and a page of their history. */
export async function pointsView(
  store: Store,
  cardId: string,
  now: Date,
  page: { limit: number; cursor?: string | undefined },
): Promise<PointsView> {
  const accountId = cardPoints(cardId);
  const [account, history] = await Promise.all([
    readWallet(store, accountId),
    statementPage(store, accountId, page.limit, page.cursor, 'points'),
  ]);
  const lots = lotsOf(account?.carried?.lots);
  const balance = account?.balanceFen ?? 0;
  return {
    balance,
    spendable: balance - lapsedBy(lots, monthOf(now)).points,
    lots: Object.entries(lots)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([earnedMonth, points]) => ({ earnedMonth, points, lapsesOn: `${lapseMonthOf(earnedMonth)}-01` })),
    ...history,
  };
}
