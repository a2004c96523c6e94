import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CityConfig } from '../city/model';
import { changeDenyList } from '../denylist/denylist';
import { ConflictError, NotFoundError, RetryLaterError } from '../errors';
import type { FareClass } from '../fares/fare-table';
import type { WalletItem } from '../ledger/model';
import { newWalletPut } from '../ledger/wallets';
import { accountKey, citizenKey, residentIdKey } from '../store/keys';
import type { Store } from '../store/store';
import { fareClassAtOpening } from './fare-class';
import { maskResidentId, residentIdHash } from './resident-id';

export interface Card {
  cardId: string;
  cardNumber: string;
  status: 'active' | 'frozen';
  fareClass: FareClass;
  balanceFen: number;
  negativeLimitFen: number;
}

export type CardItem = WalletItem & {
  cardId: string;
  cardNumber: string;
  citizenId: string;
  fareClass: FareClass;
  negativeLimitFen: number;
  pendingTopupFen?: number;
  /** Devices revoked for good; mirrored from the device items so a tap reads only the card. */
  revokedDevices?: Set<string>;
  /** How often the card used each alliance campaign, per fare day. */
  campaignUses?: Record<string, { day: string; count: number }>;
};

export function toCard(item: CardItem): Card {
  return {
    cardId: item.cardId,
    cardNumber: item.cardNumber,
    status: item.status,
    fareClass: item.fareClass,
    balanceFen: item.balanceFen,
    negativeLimitFen: item.negativeLimitFen,
  };
}

/** One card per citizen: its id follows from the citizen's, so a second open finds the first. */
export function cardIdFor(citizenId: string): string {
  return `card_${createHash('sha256').update(citizenId).digest('base64url').replace(/[-_]/g, '').slice(0, 20)}`;
}

/** A 16-digit card number printed on statements; the last digit is a Luhn check. */
export function cardNumberFor(cardId: string): string {
  const digest = createHash('sha256').update(`number:${cardId}`).digest();
  const body = `3101${[...digest.subarray(0, 11)].map((b) => b % 10).join('')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

export interface OpenCardInput {
  citizenId: string;
  name: string;
  idNumber: string;
  birthDate: string;
}

export async function openCard(
  store: Store,
  input: OpenCardInput,
  city: CityConfig,
  pepper: string,
  now: Date,
): Promise<{ card: Card; created: boolean }> {
  const existing = await cardOfCitizen(store, input.citizenId);
  if (existing) return { card: toCard(existing), created: false };
  const cardId = cardIdFor(input.citizenId);
  const ridHash = residentIdHash(input.idNumber, pepper);
  const wallet = newWalletPut(store.tableName, cardId, {
    cardId,
    cardNumber: cardNumberFor(cardId),
    citizenId: input.citizenId,
    holderName: input.name,
    residentIdMasked: maskResidentId(input.idNumber),
    fareClass: fareClassAtOpening(input.birthDate, now, city.card.seniorAgeYears),
    negativeLimitFen: city.card.negativeLimitFen,
    pendingTopupFen: 0,
    openedAt: now.toISOString(),
  });
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: wallet },
          {
            Put: {
              TableName: store.tableName,
              Item: { ...residentIdKey(ridHash), cardId, citizenId: input.citizenId },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: store.tableName,
              Key: citizenKey(input.citizenId),
              UpdateExpression: 'SET cardId = :card',
              ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(cardId)',
              ExpressionAttributeValues: { ':card': cardId },
            },
          },
        ],
      }),
    );
    return { card: toCard(wallet.Item as CardItem), created: true };
  } catch (err) {
    if ((err as Error).name !== 'TransactionCanceledException') throw err;
    const raced = await cardOfCitizen(store, input.citizenId);
    if (raced) return { card: toCard(raced), created: false };
    const codes = ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code);
    if (codes[1] === 'ConditionalCheckFailed') {
      throw new ConflictError('ID_NUMBER_IN_USE', 'This resident id number already holds a card');
    }
    throw err;
  }
}

export async function cardItem(store: Store, cardId: string): Promise<CardItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: accountKey(cardId), ConsistentRead: true }),
  );
  return Item as CardItem | undefined;
}

export async function cardOfCitizen(store: Store, citizenId: string): Promise<CardItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: citizenKey(citizenId), ConsistentRead: true }),
  );
  if (!Item?.cardId) return undefined;
  return cardItem(store, Item.cardId as string);
}

export async function requireCard(store: Store, citizenId: string): Promise<CardItem> {
  const card = await cardOfCitizen(store, citizenId);
  if (!card) throw new NotFoundError('Card', { hint: 'open one with POST /v1/me/card' });
  return card;
}

/** The routes that freeze and unfreeze a card (the citizen's own, and the hotline's), and the status each sets. */
export const CARD_STATUS_ACTIONS = [
  ['freeze', 'frozen'],
  ['unfreeze', 'active'],
] as const;

/**
 * Freezes or unfreezes, and puts the card on or off the deny list in the same transaction. The
 * version moves too, so a debit planned on the old status cannot commit. Freezing a frozen card
 * changes nothing.
 */
export async function setCardStatus(
  store: Store,
  cardId: string,
  status: 'active' | 'frozen',
  now: Date,
): Promise<CardItem> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const card = await cardItem(store, cardId);
    if (!card) throw new NotFoundError('Card');
    if (card.status === status) return card;
    const update = {
      Update: {
        TableName: store.tableName,
        Key: accountKey(cardId),
        UpdateExpression: 'SET #status = :status, #version = #version + :one, statusChangedAt = :now',
        ConditionExpression: '#status = :old',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':status': status, ':one': 1, ':now': now.toISOString(), ':old': card.status },
      },
    };
    try {
      await changeDenyList(store, { kind: 'card', id: cardId }, status === 'frozen' ? 'add' : 'remove', now, [update]);
      return { ...card, status, version: card.version + 1 };
    } catch (err) {
      // The card changed under us (another freeze or unfreeze): look again.
      if ((err as Error).name !== 'TransactionCanceledException') throw err;
    }
  }
  throw new RetryLaterError();
}

/** An operator's change of concession class; the version moves so no tap priced on the old class commits. */
export async function setFareClass(store: Store, cardId: string, fareClass: FareClass, now: Date): Promise<void> {
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: accountKey(cardId),
        UpdateExpression: 'SET fareClass = :fc, #version = #version + :one, fareClassChangedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #kind = :wallet',
        ExpressionAttributeNames: { '#version': 'version', '#kind': 'kind' },
        ExpressionAttributeValues: { ':fc': fareClass, ':one': 1, ':now': now.toISOString(), ':wallet': 'wallet' },
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') throw new NotFoundError('Card', { cardId });
    throw err;
  }
}
