import { ValidationError } from '../errors';

/**
 * List cursors: the last item's sort key, base64url, opaque to the caller. The partition is the
 * caller's own (never taken from the cursor), and the sort key must have the shape the list gives
 * out, so a cursor cannot reach another partition or make DynamoDB refuse the query.
 */
export function encodeCursor(sk: string): string {
  return Buffer.from(sk).toString('base64url');
}

export function decodeCursor(cursor: string, shape: RegExp): string {
  const sk = Buffer.from(cursor, 'base64url').toString();
  if (!shape.test(sk))
    throw new ValidationError([{ path: 'query.cursor', message: 'not a cursor this list gave out' }]);
  return sk;
}

export const nextCursor = (lastKey: Record<string, unknown> | undefined) =>
  typeof lastKey?.sk === 'string' ? encodeCursor(lastKey.sk) : null;
