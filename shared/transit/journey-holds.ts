import type { Priced } from '../fares/engine';
import type { FareTable } from '../fares/fare-table';
import { type Holds, withHold, withoutHold } from '../ledger/holds';
import { refundableFen } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { tapTransferId } from '../store/keys';

type Accepted = Extract<Priced, { ok: true }>;

export interface JourneyMoney {
  /** What the tap moves: positive debits the card, negative gives back. */
  chargeFen: number;
  /** The card's holds after the tap, when it changes them. */
  holds?: Holds;
  /** An exit's refund gives back part of the entry's fare: counted on the entry's transfer record. */
  giveBack?: { originalId: string; amountFen: number; limitFen: number };
}

/** The entry's transfer: a zone journey's id is the entry tap's id with a prefix (fares/engine). */
export const entryTransferId = (journeyId: string) => tapTransferId(journeyId.replace(/^jny_/, ''));

/**
 * What a priced tap does to the card's holds and what it gives back: an entry holds what it charged
 * until the journey can no longer be completed; an exit releases that hold, and its refund is a
 * give-back of the entry's fare. `entryRecord` is the entry's transfer record, read only after the
 * give-back's guard failed once (an operator reversed part of the entry meanwhile): then the exit
 * gives back at most what is left.
 */
export function journeyMoney(
  priced: Accepted,
  table: FareTable,
  holds: Holds | undefined,
  now: Date,
  entryRecord?: Record<string, unknown>,
): JourneyMoney {
  const journey = priced.journey;
  if (journey.kind === 'entry' && priced.chargeFen > 0) {
    const until = new Date(Date.parse(journey.open.entryAt) + table.zoneJourneyMaxMinutes * 60_000).toISOString();
    return {
      chargeFen: priced.chargeFen,
      holds: withHold(holds, journey.open.journeyId, { amountFen: priced.chargeFen, until }, now),
    };
  }
  if (journey.kind !== 'exit') return { chargeFen: priced.chargeFen };
  const released = withoutHold(holds, journey.open.journeyId, now);
  if (priced.chargeFen >= 0) return { chargeFen: priced.chargeFen, holds: released };
  const originalId = entryTransferId(journey.open.journeyId);
  const limitFen = entryRecord ? refundableFen(entryRecord) : journey.open.heldFen;
  const left = limitFen - attributes(entryRecord ?? {}, 'transfer').intOr0('refundedFen');
  const amountFen = Math.min(-priced.chargeFen, Math.max(0, left));
  return {
    chargeFen: -amountFen,
    holds: released,
    ...(amountFen > 0 ? { giveBack: { originalId, amountFen, limitFen } } : {}),
  };
}
