import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, nextCursor } from '../store/cursor';
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
  const pk = cardVisitsIndex(cardId);
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: Math.min(limit, VISITS_MAX_PAGE),
      ...(cursor
        ? {
            ExclusiveStartKey: (() => {
              const sk = decodeCursor(cursor, VISIT_SK);
              const visitId = sk.slice(sk.lastIndexOf('#') + 1);
              return { gsi1pk: pk, gsi1sk: sk, ...visitKey(visitId) };
            })(),
          }
        : {}),
    }),
  );
  const items: VisitListItem[] = (page.Items ?? []).map((i) => ({
    ...(JSON.parse(i.result as string) as VisitResult),
    facilityId: i.facilityId as string,
    kind: i.kind as VisitKind,
    at: i.at as string,
  }));
  const last = page.LastEvaluatedKey;
  return { items, nextCursor: nextCursor(last ? { sk: last.gsi1sk } : undefined) };
}
