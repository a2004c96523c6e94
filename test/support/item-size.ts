import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An item's size as DynamoDB bills it: attribute names plus values; strings and binaries by their
 * bytes, numbers by about one byte per two significant digits plus one, maps and lists 3 bytes plus
 * one per element. DynamoDB Local's ConsumedCapacity ignores sizes, so the bench computes them.
 */
export function itemSizeBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((acc, [name, value]) => acc + Buffer.byteLength(name) + valueSize(value), 0);
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|^0+/g, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((a, s) => a + Buffer.byteLength(s), 0);
  if (v.NS) return v.NS.reduce((a, n) => a + Math.ceil(n.length / 2) + 1, 0);
  if (v.L) return 3 + v.L.reduce((a, e) => a + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((a, [k, e]) => a + 1 + Buffer.byteLength(k) + valueSize(e), 0);
  return 0;
}

/** Write units of one item in a transaction: 2 per started KB. */
export const transactionalWcu = (bytes: number) => 2 * Math.max(1, Math.ceil(bytes / 1024));

/** A plain value as DynamoDB stores it (strings, numbers, booleans, null, lists and maps): for sizing. */
export function attributeOf(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null || value === undefined) return { NULL: true };
  if (Array.isArray(value)) return { L: value.map(attributeOf) };
  return { M: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, attributeOf(v)])) };
}
