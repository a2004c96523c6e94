import { ownerIndexPage } from '../store/index-page';
import { cardVisitsIndex, visitKey } from '../store/keys';
import type { Store } from '../store/store';
import type { VisitKind, VisitResult } from './model';

export const VISITS_MAX_PAGE = 100;
const VISIT_SK = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})#[\w-]+$/;

export interface VisitListItem extends VisitResult {
  facilityId: string;
  kind: VisitKind;
  at: string;
}

/** A card's accepted visits and rental starts and ends, newest first, with the rules that set each fee. */
export async function visitsOf(store: Store, cardId: string, limit: number, cursor?: string) {
  const page = await ownerIndexPage(store, {
    indexPk: cardVisitsIndex(cardId),
    limit,
    maxPage: VISITS_MAX_PAGE,
    cursor,
    skShape: VISIT_SK,
    tableKeyOf: (sk) => visitKey(sk.slice(sk.lastIndexOf('#') + 1)),
  });
  const items: VisitListItem[] = page.items.map((i) => ({
    ...(JSON.parse(i.result as string) as VisitResult),
    facilityId: i.facilityId as string,
    kind: i.kind as VisitKind,
    at: i.at as string,
  }));
  return { items, nextCursor: page.nextCursor };
}
