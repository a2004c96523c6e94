import { entryListPage } from '../ledger/statement';
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
export function visitsOf(store: Store, cardId: string, limit: number, cursor?: string) {
  return entryListPage(
    store,
    cardId,
    { list: 'visits', limit, maxPage: VISITS_MAX_PAGE, cursor },
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
}
