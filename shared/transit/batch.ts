import { decodeJwt } from 'jose';
import type { ScopeOf } from '../clients/clients';
import { OneCardError } from '../errors';
import type { TapRequest, TapResult } from './model';
import { processTap, type TransitDeps } from './taps';

/** The most taps one upload may carry: a validator's day offline on a busy route, within the Lambda's time. */
export const MAX_BATCH_TAPS = 500;
/** Cards processed at once; one card's taps always go in their given order. */
const CARD_CONCURRENCY = 8;

export type BatchItemResult =
  | TapResult
  | (Pick<TapResult, 'tapId'> & { status: 'error'; error: { code: string; message: string } });

/** The card a tap claims to be for, to keep one card's taps in order; verification comes later. */
function cardOf(tap: TapRequest, index: number): string {
  try {
    const sub = decodeJwt(tap.credential).sub;
    return typeof sub === 'string' ? sub : `#${index}`;
  } catch {
    return `#${index}`;
  }
}

/**
 * An offline terminal's upload: each tap stands alone and answers in its place. Taps of one card are
 * processed in the order given (a journey's entry before its exit); different cards run side by side.
 * A tap the domain refuses outright (outside the terminal's scope, say) answers `status: error` in its
 * place instead of failing the batch.
 */
export async function processBatch(
  deps: TransitDeps,
  terminal: { clientId: string; scope: ScopeOf<'transit-terminal'> },
  taps: TapRequest[],
): Promise<BatchItemResult[]> {
  const results: BatchItemResult[] = new Array(taps.length);
  const byCard = new Map<string, number[]>();
  taps.forEach((tap, i) => {
    const card = cardOf(tap, i);
    byCard.set(card, [...(byCard.get(card) ?? []), i]);
  });
  const queues = [...byCard.values()];
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      for (const i of queue) {
        const tap = taps[i]!;
        try {
          results[i] = await processTap(deps, terminal, tap);
        } catch (err) {
          if (!(err instanceof OneCardError)) throw err;
          results[i] = { tapId: tap.tapId, status: 'error', error: { code: err.code, message: err.message } };
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CARD_CONCURRENCY, queues.length) }, worker));
  return results;
}
