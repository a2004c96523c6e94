import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, nextCursor } from '../store/cursor';
import { ENTRY_PREFIX } from '../store/keys';
import type { Store } from '../store/store';
import type { StatementEntry } from './model';

export const STATEMENT_MAX_PAGE = 100;

const ENTRY_SK = /^E#\d{12}$/;

/** The wallet's entries, newest first, with the balance after each. */
export async function statementPage(
  store: Store,
  accountId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: StatementEntry[]; nextCursor: string | null }> {
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':pk': `ACCT#${accountId}`, ':e': ENTRY_PREFIX },
      ScanIndexForward: false,
      Limit: Math.min(limit, STATEMENT_MAX_PAGE),
      ...(cursor ? { ExclusiveStartKey: { pk: `ACCT#${accountId}`, sk: decodeCursor(cursor, ENTRY_SK) } } : {}),
    }),
  );
  const items = (page.Items ?? []).map((e) => ({
    entryId: e.entryId as string,
    at: e.at as string,
    amountFen: e.amountFen as number,
    balanceAfterFen: e.balanceAfterFen as number,
    kind: e.kind as StatementEntry['kind'],
    description: e.description as string,
    ref: e.ref as string,
  }));
  return { items, nextCursor: nextCursor(page.LastEvaluatedKey) };
}
