import { ValidationError } from '../errors';

/**
 * List cursors: the list's name and the last item's sort key, base64url, opaque to the caller. The
 * partition is the caller's own (never taken from the cursor), the cursor must be this list's (a
 * statement's cursor is no visit list's, though both read one card's entries), and the sort key
 * must have the shape the list gives out, so a cursor cannot reach another partition or another list,
 * nor make DynamoDB refuse the query.
 */
export function encodeCursor(list: string, sk: string): string {
  return Buffer.from(`${list}:${sk}`).toString('base64url');
}

export function decodeCursor(cursor: string, list: string, shape: RegExp): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  const sk = text.startsWith(`${list}:`) ? text.slice(list.length + 1) : undefined;
  if (sk === undefined || !shape.test(sk)) {
    throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list gave out' }]);
  }
  return sk;
}

export const nextCursor = (list: string, lastKey: Record<string, unknown> | undefined) =>
  typeof lastKey?.sk === 'string' ? encodeCursor(list, lastKey.sk) : null;
