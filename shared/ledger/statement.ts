import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../errors';
import { ENTRY_PREFIX } from '../store/keys';
import type { Store } from '../store/store';
import type { StatementEntry } from './model';

export const STATEMENT_MAX_PAGE = 100;

/** A cursor is the last entry's sort key, opaque to the caller and checked on the way back in. */
export function encodeEntryCursor(sk: string): string {
  return Buffer.from(sk).toString('base64url');
}

export function decodeEntryCursor(cursor: string): string {
  const sk = Buffer.from(cursor, 'base64url').toString();
  if (!/^E#\d{12}$/.test(sk))
    throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list gave out' }]);
  return sk;
}

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
      ...(cursor ? { ExclusiveStartKey: { pk: `ACCT#${accountId}`, sk: decodeEntryCursor(cursor) } } : {}),
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
  const last = page.LastEvaluatedKey?.sk as string | undefined;
  return { items, nextCursor: last ? encodeEntryCursor(last) : null };
}
