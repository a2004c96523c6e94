import { ConflictError } from '../errors';
import { openHoldsFen } from '../ledger/holds';
import type { CardItem } from './cards';

/**
 * What must be settled before a card closes, at an outlet or online: a hold that may still come back
 * (a zone entry, a bicycle's deposit), a top-up the provider has not confirmed, a balance below 0
 * (paid at the counter first). Refused with all of it named, so the holder knows what to do.
 */
export function assertNothingOpen(card: CardItem, now: Date): void {
  const heldFen = openHoldsFen(card.holds, now);
  const pendingTopupFen = openHoldsFen(card.pendingTopups, now);
  if (heldFen === 0 && pendingTopupFen === 0 && card.balanceFen >= 0) return;
  throw new ConflictError('CLOSURE_BLOCKED', 'Settle what is open on the card first', {
    heldFen,
    openHolds: Object.keys(card.holds ?? {}),
    pendingTopupFen,
    balanceFen: card.balanceFen,
  });
}

/** What a closure sets on the card's own item: closed, when, and by whom (an outlet's client, or `online`). */
export const closedItemSets = (now: Date, by: string) => ({
  status: 'closed',
  closedAt: now.toISOString(),
  closedBy: by,
});
