import { ENTRY_SK, entriesNewestFirst, pageOfEntries } from '../ledger/statement';
import { decodeCursor, encodeCursor } from '../store/cursor';
import type { Store } from '../store/store';
import type { VisitKind, VisitRequest, VisitResult } from './model';

export const VISITS_MAX_PAGE = 100;

export interface VisitListItem extends VisitResult {
  facilityId: string;
  kind: VisitKind;
  at: string;
}

/** What an accepted visit's entry keeps of it; the entry itself says its time, its visit id and the balance after. */
type StoredVisit = Pick<VisitResult, 'feeFen' | 'fareClass' | 'explanation' | 'rentalId'> & {
  facilityId: string;
  kind: VisitKind;
};

export function storedVisit(req: Pick<VisitRequest, 'facilityId' | 'kind'>, result: VisitResult): StoredVisit {
  return {
    facilityId: req.facilityId,
    kind: req.kind,
    feeFen: result.feeFen,
    fareClass: result.fareClass,
    explanation: result.explanation,
    ...(result.rentalId ? { rentalId: result.rentalId } : {}),
  };
}

/**
 * A card's accepted visits and rental starts and ends, newest first (in the card's order, as its
 * statement), with the rules that set each fee: from the entries the visits wrote on the card.
 */
export async function visitsOf(store: Store, cardId: string, limit: number, cursor?: string) {
  const afterSk = cursor ? decodeCursor(cursor, ENTRY_SK) : undefined;
  const page = await pageOfEntries(
    entriesNewestFirst(store, cardId, afterSk),
    Math.min(limit, VISITS_MAX_PAGE),
    (entry): VisitListItem | undefined => {
      const visit = entry.visit as StoredVisit | undefined;
      if (!visit) return undefined;
      const { facilityId, kind, ...result } = visit;
      return {
        visitId: entry.ref as string,
        status: 'accepted',
        ...result,
        balanceFen: entry.balanceAfterFen as number,
        facilityId,
        kind,
        at: entry.at as string,
      };
    },
  );
  return { items: page.items, nextCursor: page.end || !page.lastSk ? null : encodeCursor(page.lastSk) };
}
