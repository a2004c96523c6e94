import { InvariantError, RefusedError } from '../errors';
import { attributes, isMap } from '../store/attributes';
/**
 * Holds: money taken from a card that may come back (a zone entry's maximum fare until the exit, a
 * bicycle's deposit until it is returned). The amount has already left the balance; the hold only
 * remembers that it may return, so that credits can leave room for it: no credit may take
 * balance + open holds past the card's limit, and the give-back of a hold is then always possible.
 *
 * Carried on the wallet's newest entry (`holds`), written with the movement that opens or releases
 * it, in the same entry. A hold that is never released lapses at `until` (an incomplete journey keeps its
 * maximum fare), and lapsed holds are dropped the next time the card is written.
 */
export interface Hold {
  amountFen: number;
  /** RFC 3339: when the hold lapses and its amount is the holder's no more. */
  until: string;
}

export type Holds = Record<string, Hold>;

/** Holds as stored (a map of id to amount and lapse time), read back. */
export function parseHolds(value: unknown, what: string): Holds {
  if (value === undefined || value === null) return {};
  if (!isMap(value)) throw new InvariantError(`${what} is not a map of holds`);
  return Object.fromEntries(
    Object.entries(value).map(([id, hold]) => {
      const a = attributes(isMap(hold) ? hold : {}, `${what}.${id}`);
      return [id, { amountFen: a.int('amountFen'), until: a.str('until') }];
    }),
  );
}

/** Bounded like everything kept on a card: a card has few things open at once. */
export const MAX_OPEN_HOLDS = 16;

const isOpen = (hold: Hold, now: Date) => Date.parse(hold.until) > now.getTime();

export function openHoldsFen(holds: Holds | undefined, now: Date): number {
  return Object.values(holds ?? {}).reduce((sum, h) => sum + (isOpen(h, now) ? h.amountFen : 0), 0);
}

/**
 * Refuses a credit (a top-up, cash at a counter) that would take balance, open holds and pending
 * top-ups past the card's limit, so that every hold's give-back and every pending top-up stays possible.
 */
export function assertRoomForCredit(
  card: { balanceFen: number; holds?: Holds; pendingTopups?: Holds },
  amountFen: number,
  maxBalanceFen: number,
  now: Date,
): void {
  const heldFen = openHoldsFen(card.holds, now);
  const pendingTopupFen = openHoldsFen(card.pendingTopups, now);
  if (card.balanceFen + heldFen + pendingTopupFen + amountFen <= maxBalanceFen) return;
  throw new RefusedError(
    'BALANCE_LIMIT',
    `A card holds at most ${maxBalanceFen} fen, pending top-ups and open holds included`,
    { balanceFen: card.balanceFen, pendingTopupFen, heldFen, maxBalanceFen },
  );
}

function pruned(holds: Holds | undefined, now: Date): Holds {
  return Object.fromEntries(Object.entries(holds ?? {}).filter(([, h]) => isOpen(h, now)));
}

/** The holds after opening one (lapsed ones dropped); the oldest-lapsing goes first past the bound. */
export function withHold(holds: Holds | undefined, holdId: string, hold: Hold, now: Date): Holds {
  const next = { ...pruned(holds, now), [holdId]: hold };
  const ids = Object.keys(next).sort((a, b) => Date.parse(next[a]!.until) - Date.parse(next[b]!.until));
  while (ids.length > MAX_OPEN_HOLDS) delete next[ids.shift()!];
  return next;
}

/** The holds after releasing one (lapsed ones dropped). */
export function withoutHold(holds: Holds | undefined, holdId: string, now: Date): Holds {
  const next = pruned(holds, now);
  delete next[holdId];
  return next;
}
