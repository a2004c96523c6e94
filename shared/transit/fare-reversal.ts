import { cardOf } from '../cards/cards';
import { monthOfFareDay } from '../fares/engine';
import type { FareTable } from '../fares/fare-table';
import type { RefundCarry } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { fareDay } from '../time/shanghai';
import { storedTransitState, transitStateOf } from './stored-state';

/**
 * What a fare given back (an operator's reversal) also takes back: its fen off the month the monthly
 * ride discount counts, so that a month's tier follows what the card really paid for rides. The month
 * is the fare's own (by its fare day); a month the card no longer keeps is left alone. Rides priced
 * since keep their prices: nothing charged is ever re-priced.
 */
export function fareGivenBack(table: Pick<FareTable, 'fareDayStartHour'>): RefundCarry {
  return (original, wallets, amountFen) => {
    const transfer = attributes(original, 'transfer');
    if (transfer.str('kind') !== 'fare') return undefined;
    const month = monthOfFareDay(fareDay(new Date(transfer.str('at')), table.fareDayStartHour));
    const out: Record<string, Record<string, unknown>> = {};
    for (const [cardId, wallet] of Object.entries(wallets)) {
      const card = cardOf(wallet);
      if (!card) continue;
      const state = transitStateOf(card.transit);
      const paidFen = state.months[month];
      if (paidFen === undefined) continue;
      const months = { ...state.months, [month]: Math.max(0, paidFen - amountFen) };
      out[cardId] = { transit: storedTransitState({ ...state, months }) };
    }
    return out;
  };
}
