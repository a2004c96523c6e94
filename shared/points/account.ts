import { cardPoints, isCardId, SYSTEM } from '../ledger/accounts';
import type { CommandPlan, GuardedWrite } from '../ledger/command';
import { walletItemOf } from '../ledger/wallet-head';
import type { Item, ItemKey } from '../store/items';
import { accountKey, pointsLapseKey } from '../store/keys';
import { type Lots, lapseMonthOf, lotsOf } from './lots';
import type { PointsHeld } from './movements';

/** What a presented card's command reads for its points: the account of the card the credential claims. */
export const pointsReads = (cardId: string | undefined): Record<string, ItemKey> =>
  cardId && isCardId(cardId) ? { points: accountKey(cardPoints(cardId)) } : {};

/** A card's points as read with a command (undefined: the card never held any). */
export function pointsHeldOf(item: Item | undefined, month: string): PointsHeld & { open: boolean } {
  if (!item) return { lots: {}, month, open: false };
  return { lots: lotsOf(walletItemOf(item).carried?.lots), month, open: true };
}

/** Schedules the lapse of a newly opened lot: the month's lapse job finds the card by this item. */
export function lapseMarkerWrite(tableName: string, cardId: string, earnedMonth: string): GuardedWrite {
  return {
    item: { Put: { TableName: tableName, Item: { ...pointsLapseKey(lapseMonthOf(earnedMonth), cardId), cardId } } },
    // Unconditional: another movement scheduling the same lapse puts the same item.
    onConditionFailed: 'replan',
  };
}

/**
 * What a movement of a card's points adds to its command: the account opened at the first points, the
 * lots carried on its head (an entry even when spent and earned net to 0), the lapse scheduled.
 */
export function pointsPlanParts(
  tableName: string,
  cardId: string,
  held: { open: boolean },
  change: { lotsAfter: Lots; openedMonth: string | null },
): Pick<CommandPlan<unknown>, 'opens' | 'walletAttributes' | 'writes'> {
  const accountId = cardPoints(cardId);
  return {
    ...(held.open ? {} : { opens: [accountId] }),
    walletAttributes: { [accountId]: { lots: change.lotsAfter } },
    writes: change.openedMonth ? [lapseMarkerWrite(tableName, cardId, change.openedMonth)] : [],
  };
}

/**
 * A closure's points: every lot lapses into the alliance's pool with the closure's own transfer (the
 * points were never cash), the lots emptied.
 */
export function closurePointsParts(cardId: string, pointsItem: Item | undefined) {
  const points = pointsItem ? walletItemOf(pointsItem).balanceFen : 0;
  if (points === 0) return { points: 0, postings: [], walletAttributes: {} };
  return {
    points,
    postings: [
      { accountId: cardPoints(cardId), amountFen: -points },
      { accountId: SYSTEM.pointsPool, amountFen: points },
    ],
    walletAttributes: { [cardPoints(cardId)]: { lots: {} } },
  };
}
