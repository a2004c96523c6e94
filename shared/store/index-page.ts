import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, nextCursor } from './cursor';
import type { Store } from './store';

/**
 * One page of an owner's list in the `gsi1` index, newest first: visits of a card, settlement lines of
 * a payee. The cursor is the last item's index sort key; `tableKeyOf` rebuilds that item's table key
 * from it, which DynamoDB needs to continue an index query.
 */
export async function ownerIndexPage(
  store: Store,
  input: {
    /** The list's name: its cursors are its own. */
    list: string;
    indexPk: string;
    limit: number;
    maxPage: number;
    cursor: string | undefined;
    /** The shape every index sort key of this list has: a cursor that does not fit is a 400. */
    skShape: RegExp;
    tableKeyOf: (indexSk: string) => { pk: string; sk: string };
    /** Only items with this status (an account's open bills): a page may then hold fewer than `limit`. */
    status?: string;
  },
): Promise<{ items: Record<string, unknown>[]; nextCursor: string | null }> {
  const sk = input.cursor ? decodeCursor(input.cursor, input.list, input.skShape) : undefined;
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': input.indexPk, ...(input.status ? { ':status': input.status } : {}) },
      ...(input.status
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ScanIndexForward: false,
      Limit: Math.min(input.limit, input.maxPage),
      ...(sk ? { ExclusiveStartKey: { gsi1pk: input.indexPk, gsi1sk: sk, ...input.tableKeyOf(sk) } } : {}),
    }),
  );
  const last = page.LastEvaluatedKey;
  return { items: page.Items ?? [], nextCursor: nextCursor(input.list, last ? { sk: last.gsi1sk } : undefined) };
}
