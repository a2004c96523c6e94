import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { PayeeKind } from '../ledger/accounts';
import { decodeCursor, nextCursor } from '../store/cursor';
import { payeeLinesIndex, settlementLineKey } from '../store/keys';
import type { Store } from '../store/store';
import { toLine } from './run';

export const PAYEE_LINES_MAX_PAGE = 100;
const LINE_SK = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[\w-]+$/;

/** A payee's own settlement lines, newest first: what each run owed it, paid it and carried. */
export async function payeeLines(store: Store, payeeKind: PayeeKind, payeeId: string, limit: number, cursor?: string) {
  const pk = payeeLinesIndex(payeeKind, payeeId);
  const start = cursor
    ? (() => {
        const sk = decodeCursor(cursor, LINE_SK);
        const runId = sk.slice(sk.indexOf('#') + 1);
        return { gsi1pk: pk, gsi1sk: sk, ...settlementLineKey(runId, payeeKind, payeeId) };
      })()
    : undefined;
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ScanIndexForward: false,
      Limit: Math.min(limit, PAYEE_LINES_MAX_PAGE),
      ...(start ? { ExclusiveStartKey: start } : {}),
    }),
  );
  const items = (page.Items ?? []).map((i) => {
    const { payeeKind: _k, payeeId: _p, ...line } = toLine(i);
    return { runId: i.runId as string, cutoff: i.cutoff as string, ...line };
  });
  const last = page.LastEvaluatedKey;
  return { items, nextCursor: nextCursor(last ? { sk: last.gsi1sk } : undefined) };
}
