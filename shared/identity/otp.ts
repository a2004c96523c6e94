import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { UnauthenticatedError } from '../errors';
import { attributes } from '../store/attributes';
import { isConditionFailed } from '../store/conditions';
import { otpKey } from '../store/keys';
import type { Store } from '../store/store';

export const OTP_LIFETIME_SECONDS = 300;
export const OTP_MAX_TRIES = 5;

/**
 * Keyed: a plain hash of a 6-digit code falls to a million guesses offline, so whoever reads the table
 * (a backup, a support query) would learn live codes. The key is the server's secret, never stored.
 */
const hashCode = (key: string, hashedPhone: string, code: string) =>
  createHmac('sha256', key).update(`otp\u0000${hashedPhone}\u0000${code}`).digest();

/** A fresh 6-digit code for the phone; it replaces any earlier one. Only its hash is stored. */
export async function createOtp(store: Store, key: string, hashedPhone: string, now: Date, random = randomInt) {
  const code = String(random(0, 1_000_000)).padStart(6, '0');
  const expiresAtSeconds = Math.floor(now.getTime() / 1000) + OTP_LIFETIME_SECONDS;
  await store.doc.send(
    new PutCommand({
      TableName: store.tableName,
      Item: {
        ...otpKey(hashedPhone),
        codeHash: hashCode(key, hashedPhone, code).toString('base64'),
        tries: 0,
        expiresAtSeconds,
        ttl: expiresAtSeconds + 60,
      },
    }),
  );
  return { code, expiresAt: new Date(expiresAtSeconds * 1000).toISOString() };
}

/**
 * Spends one try of the phone's code. A right code is used up (deleted under a condition, so two
 * racing logins cannot both use it); a wrong one counts, and the fifth wrong one ends the code.
 */
export async function checkOtp(store: Store, key: string, hashedPhone: string, code: string, now: Date): Promise<void> {
  const invalid = () => new UnauthenticatedError('The code is wrong or expired; ask for a new one', 'OTP_INVALID');
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: otpKey(hashedPhone), ConsistentRead: true }),
  );
  if (!Item || Item.expiresAtSeconds < now.getTime() / 1000 || Item.tries >= OTP_MAX_TRIES) throw invalid();
  const matches = timingSafeEqual(
    Buffer.from(attributes(Item, 'login code').str('codeHash'), 'base64'),
    hashCode(key, hashedPhone, code),
  );
  try {
    if (matches) {
      await store.doc.send(
        new DeleteCommand({
          TableName: store.tableName,
          Key: otpKey(hashedPhone),
          ConditionExpression: 'codeHash = :h AND tries < :max',
          ExpressionAttributeValues: { ':h': Item.codeHash, ':max': OTP_MAX_TRIES },
        }),
      );
      return;
    }
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: otpKey(hashedPhone),
        UpdateExpression: 'ADD tries :one',
        ConditionExpression: 'codeHash = :h',
        ExpressionAttributeValues: { ':one': 1, ':h': Item.codeHash },
      }),
    );
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  throw invalid();
}
