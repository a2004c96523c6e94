import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, nextCursor } from '../store/cursor';
import { auditDayPk, auditKey } from '../store/keys';
import type { Store } from '../store/store';
import { businessDate } from '../time/shanghai';

/** One operator write as recorded: who, what, why and how it ended. */
export interface OperatorAction {
  at: string;
  requestId: string;
  principal: string;
  method: string;
  path: string;
  status: number;
  reason: string | null;
}

/** A year and a month: the city keeps operator records a year; the table drops them after this. */
const AUDIT_KEEP_SECONDS = 395 * 24 * 3600;
export const AUDIT_MAX_PAGE = 100;
/** A reason longer than this is cut: it is a note, not a document. */
const REASON_MAX = 200;

export async function recordOperatorAction(store: Store, action: OperatorAction): Promise<void> {
  const at = new Date(action.at);
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: {
        ...auditKey(businessDate(at), action.at, action.requestId),
        ...action,
        reason: action.reason?.slice(0, REASON_MAX) ?? null,
        ttl: Math.floor(at.getTime() / 1000) + AUDIT_KEEP_SECONDS,
      },
    }),
  );
}

/** A business day's operator writes (from 04:00 Asia/Shanghai, as every report's day), oldest first. */
export async function operatorActionsOn(store: Store, businessDay: string, limit: number, cursor?: string) {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': auditDayPk(businessDay) },
      Limit: Math.min(limit, AUDIT_MAX_PAGE),
      ...(cursor
        ? {
            ExclusiveStartKey: { pk: auditDayPk(businessDay), sk: decodeCursor(cursor, 'audit', /^[\w:.+-]+#[\w-]+$/) },
          }
        : {}),
    }),
  );
  const items: OperatorAction[] = (page.Items ?? []).map((i) => ({
    at: i.at,
    requestId: i.requestId,
    principal: i.principal,
    method: i.method,
    path: i.path,
    status: i.status,
    reason: i.reason ?? null,
  }));
  return { items, nextCursor: nextCursor('audit', page.LastEvaluatedKey) };
}
