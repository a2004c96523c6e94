import { z } from 'zod';
import { invariant } from '../errors';
import { FareRuleSchema } from '../fares/engine';
import { FareClassSchema } from '../fares/fare-table';
import { entryListPage } from '../ledger/statement';
import { attributes, isMap } from '../store/attributes';
import { itemKind } from '../store/items';
import type { Store } from '../store/store';
import { VISIT_KINDS, type VisitKind, type VisitRequest, type VisitResult } from './model';

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

const STORED_VISIT = itemKind(
  'visit',
  z.object({
    facilityId: z.string(),
    kind: z.enum(VISIT_KINDS),
    feeFen: z.number().int(),
    fareClass: FareClassSchema.nullable(),
    explanation: z.array(FareRuleSchema),
    rentalId: z.string().optional(),
  }),
);

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
      if (entry.visit === undefined) return undefined;
      invariant(isMap(entry.visit), 'a statement entry’s visit is a map');
      const { facilityId, kind, ...result } = STORED_VISIT.parse(entry.visit);
      const a = attributes(entry, 'statement entry');
      return {
        visitId: a.str('ref'),
        status: 'accepted',
        ...result,
        balanceFen: a.int('balanceAfterFen'),
        facilityId,
        kind,
        at: a.str('at'),
      };
    },
  );
}
