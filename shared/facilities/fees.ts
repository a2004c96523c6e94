import { applyClass, type FareRule } from '../fares/engine';
import type { EntryProduct, RentalProduct } from './model';

const MINUTE_MS = 60_000;

/** A fee priced for a class, with the rules that set it (as fares explain themselves). */
export interface Fee {
  feeFen: number;
  explanation: FareRule[];
}

function withClass(adultFen: number, multiplierPercent: number, rules: FareRule[]): number {
  const fee = applyClass(adultFen, multiplierPercent);
  if (fee !== adultFen) {
    rules.push({ rule: 'concession', text: `Fare class pays ${multiplierPercent}%`, fen: fee - adultFen });
  }
  return fee;
}

/** An entry's fee: the adult fee times the class multiplier. */
export function entryFee(product: EntryProduct, multiplierPercent: number): Fee {
  const rules: FareRule[] = [{ rule: 'base', text: 'Entry fee', fen: product.adultFeeFen }];
  return { feeFen: withClass(product.adultFeeFen, multiplierPercent, rules), explanation: rules };
}

/** What a rental's start holds: the most it can cost, times the class multiplier. */
export function rentalHold(product: RentalProduct, multiplierPercent: number): Fee {
  const rules: FareRule[] = [
    {
      rule: 'entry-hold',
      text: 'Start holds the most a rental can cost; the end gives back the rest',
      fen: product.holdAdultFen,
    },
  ];
  return { feeFen: withClass(product.holdAdultFen, multiplierPercent, rules), explanation: rules };
}

/**
 * A rental's fee by its length: nothing for the free minutes, then a block fee for every block
 * started, at most the cap; times the class multiplier. Null once the rental has lapsed (longer than
 * maxRentalMinutes): it keeps its hold and has no end.
 */
export function rentalFee(product: RentalProduct, elapsedMs: number, multiplierPercent: number): Fee | null {
  if (elapsedMs < 0 || elapsedMs > product.maxRentalMinutes * MINUTE_MS) return null;
  const minutes = Math.ceil(elapsedMs / MINUTE_MS);
  const rules: FareRule[] = [];
  const chargedMs = elapsedMs - product.freeMinutes * MINUTE_MS;
  if (chargedMs <= 0) {
    rules.push({ rule: 'base', text: `${minutes} minutes, within the free ${product.freeMinutes}`, fen: 0 });
    return { feeFen: 0, explanation: rules };
  }
  const blocks = Math.ceil(chargedMs / (product.blockMinutes * MINUTE_MS));
  const byTime = blocks * product.perBlockAdultFen;
  rules.push({
    rule: 'base',
    text: `${minutes} minutes: ${blocks} started block(s) of ${product.blockMinutes} after the free ${product.freeMinutes}, ${product.perBlockAdultFen} fen each`,
    fen: byTime,
  });
  const adult = Math.min(byTime, product.maxAdultFen);
  if (adult < byTime)
    rules.push({ rule: 'cap', text: `A rental costs at most ${product.maxAdultFen} fen`, fen: adult - byTime });
  return { feeFen: withClass(adult, multiplierPercent, rules), explanation: rules };
}
