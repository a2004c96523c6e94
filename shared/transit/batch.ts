import { type BatchError, MAX_BATCH_ITEMS, processInCardOrder } from '../credentials/batch';
import type { TapRequest, TapResult } from './model';
import { processTap, type TapTerminal, type TransitDeps } from './taps';

/** The most taps one upload may carry: a validator's day offline on a busy route, within the Lambda's time. */
export const MAX_BATCH_TAPS = MAX_BATCH_ITEMS;

export type BatchItemResult = TapResult | (Pick<TapResult, 'tapId'> & BatchError);

/** A validator's offline upload: each tap stands alone; one card's taps go in the order of their time. */
export async function processBatch(
  deps: TransitDeps,
  terminal: TapTerminal,
  taps: TapRequest[],
): Promise<BatchItemResult[]> {
  return processInCardOrder(
    taps,
    (tap, memo) => processTap(deps, terminal, tap, memo),
    (tap, error) => ({ tapId: tap.tapId, status: 'error' as const, error }),
  );
}
