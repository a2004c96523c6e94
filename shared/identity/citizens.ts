import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { attributes } from '../store/attributes';
import { isCancelled } from '../store/conditions';
import { citizenKey, phoneKey } from '../store/keys';
import type { Store } from '../store/store';

/**
 * The citizen behind a phone number (found by its keyed hash, phone.ts), made on the first login; the
 * citizen's own item keeps the number masked, never whole.
 */
export async function citizenForPhone(
  store: Store,
  phone: { hash: string; masked: string },
  now: Date,
): Promise<string> {
  const existing = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: phoneKey(phone.hash), ConsistentRead: true }),
  );
  if (existing.Item) return attributes(existing.Item, 'phone').str('citizenId');
  const citizenId = `cit_${randomUUID().replaceAll('-', '')}`;
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: store.tableName,
              Item: { ...phoneKey(phone.hash), citizenId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: store.tableName,
              Item: { ...citizenKey(citizenId), citizenId, phoneMasked: phone.masked, createdAt: now.toISOString() },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      }),
    );
    return citizenId;
  } catch (err) {
    if (!isCancelled(err)) throw err;
    // A concurrent first login made the citizen; use theirs.
    const { Item } = await store.doc.send(
      new GetCommand({ TableName: store.tableName, Key: phoneKey(phone.hash), ConsistentRead: true }),
    );
    if (!Item) throw err;
    return attributes(Item, 'phone').str('citizenId');
  }
}
