import { createHash } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { CityConfig } from '../city/model';
import { changeDenyList } from '../denylist/denylist';
import { type Grant, grantOf } from '../eligibility/model';
import { applyRecordsToNewCard } from '../eligibility/record-grants';
import { maskResidentId, residentIdHash } from '../eligibility/resident-id';
import { ConflictError, InvariantError, NotFoundError, RefusedError } from '../errors';
import { FARE_CLASSES, type FareClass } from '../fares/fare-table';
import { type Holds, openHoldsFen, parseHolds } from '../ledger/holds';
import type { WalletItem, WalletStatus } from '../ledger/model';
import { changeWalletItem, readWallet, walletItemOf, walletItemSet } from '../ledger/wallet-head';
import { newWalletPut } from '../ledger/wallets';
import { attributes, isMap } from '../store/attributes';
import { cancellationCodes, isCancelled } from '../store/conditions';
import type { Item } from '../store/items';
import { accountKey, citizenKey, residentIdKey } from '../store/keys';
import type { Store } from '../store/store';
import { shanghaiDate } from '../time/shanghai';
import { effectiveFareClass } from './fare-class';

export interface Card {
  cardId: string;
  cardNumber: string;
  status: WalletStatus;
  fareClass: FareClass;
  identityVerified: boolean;
  balanceFen: number;
  /** Taken by holds that may come back (a zone entry's maximum fare until the exit). */
  heldFen: number;
  negativeLimitFen: number;
  /** This month's senior living allowance, once paid (Asia/Shanghai month). */
  allowanceThisMonthFen: number;
}

/** Who froze a card: only an operator lifts an operator's freeze (the hotline's, for a stolen phone). */
export type FreezeActor = { by: 'citizen' } | { by: 'operator'; principal: string; reason: string };

export type CardItem = WalletItem & {
  cardId: string;
  cardNumber: string;
  citizenId: string;
  birthDate?: string;
  /** An in-person check (operator or service outlet) vouched that the holder is who the id number says. */
  identityVerified?: boolean;
  /** A concession granted by an operator: priced only once the identity is verified. */
  concession?: FareClass | null;
  lastAllowance?: { month: string; amountFen: number };
  /** Agencies' student and disabled records of the holder, by program. */
  grants?: Record<string, Grant>;
  /** The keyed hash of the holder's resident id number (never the number itself). */
  residentIdHash?: string;
  negativeLimitFen: number;
  /** Top-ups asked for and not yet answered: amounts that lapse after a day, as holds do. */
  pendingTopups?: Holds;
  frozenBy?: 'citizen' | 'operator';
  /** Devices revoked for good; mirrored from the device items so a tap reads only the card. */
  revokedDevices?: Set<string>;
  /** How often the card used each alliance campaign, per fare day. */
  campaignUses?: Record<string, { day: string; count: number }>;
};

const FROZEN_BY = ['citizen', 'operator'] as const;

const required = (card: CardItem | undefined): CardItem => {
  if (!card) throw new InvariantError('a card read back is there');
  return card;
};

/**
 * A card as read (a wallet whose own item holds the card's attributes), parsed: a wallet that is not a
 * card's is a defect where a card was asked for.
 */
export function cardOf(wallet: Item | undefined): CardItem | undefined {
  if (!wallet) return undefined;
  const a = attributes(wallet, 'card');
  const read = <T>(name: string, parse: () => T) => (a.has(name) ? { [name]: parse() } : {});
  return {
    ...walletItemOf(wallet),
    cardId: a.str('cardId'),
    cardNumber: a.str('cardNumber'),
    citizenId: a.str('citizenId'),
    negativeLimitFen: a.int('negativeLimitFen'),
    ...read('birthDate', () => a.str('birthDate')),
    ...read('identityVerified', () => a.bool('identityVerified')),
    ...(a.has('concession') ? { concession: a.oneOf('concession', FARE_CLASSES) } : {}),
    ...read('lastAllowance', () => {
      const last = a.nested('lastAllowance');
      return { month: last.str('month'), amountFen: last.int('amountFen') };
    }),
    ...read('grants', () => a.record('grants', (g, program) => grantOf(g, `card.grants.${program}`))),
    ...read('residentIdHash', () => a.str('residentIdHash')),
    ...read('pendingTopups', () => parseHolds(wallet.pendingTopups, 'card.pendingTopups')),
    ...(a.has('frozenBy') ? { frozenBy: a.oneOf('frozenBy', FROZEN_BY) } : {}),
    ...read('revokedDevices', () => stringSet(wallet.revokedDevices, 'card.revokedDevices')),
    ...read('campaignUses', () =>
      a.record('campaignUses', (use, id) => {
        const u = attributes(isMap(use) ? use : {}, `card.campaignUses.${id}`);
        return { day: u.str('day'), count: u.int('count') };
      }),
    ),
  };
}

/** A DynamoDB string set as the document client reads it (a Set), or the defect it is. */
function stringSet(value: unknown, what: string): Set<string> {
  if (value instanceof Set && [...value].every((v) => typeof v === 'string')) return new Set<string>(value);
  throw new InvariantError(`${what} is not a set of strings`);
}

/** The city's rule a card's class follows from; passed in, so pricing stays a function of plain data. */
export interface CardRules {
  seniorAgeYears: number;
}

export function fareClassOf(item: CardItem, now: Date, rules: CardRules): FareClass {
  return effectiveFareClass(item, now, rules.seniorAgeYears);
}

export function toCard(item: CardItem, now: Date, rules: CardRules): Card {
  return {
    cardId: item.cardId,
    cardNumber: item.cardNumber,
    status: item.status,
    fareClass: fareClassOf(item, now, rules),
    identityVerified: item.identityVerified === true,
    balanceFen: item.balanceFen,
    heldFen: openHoldsFen(item.holds, now),
    allowanceThisMonthFen:
      item.lastAllowance?.month === shanghaiDate(now).slice(0, 7) ? item.lastAllowance.amountFen : 0,
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
): Promise<{ card: CardItem; created: boolean }> {
  const existing = await cardOfCitizen(store, input.citizenId);
  if (existing && existing.status !== 'closed') return { card: existing, created: false };
  // After a closure the citizen opens a new card, with a new id (named after the closed one, so a
  // retry opens the same): the closed card keeps its statement; its id number moves to the new one.
  const closed = existing;
  const cardId = closed ? cardIdFor(`${input.citizenId}#after#${closed.cardId}`) : cardIdFor(input.citizenId);
  const ridHash = residentIdHash(input.idNumber, pepper);
  const wallet = newWalletPut(store.tableName, cardId, {
    cardId,
    cardNumber: cardNumberFor(cardId),
    citizenId: input.citizenId,
    holderName: input.name,
    residentIdMasked: maskResidentId(input.idNumber),
    residentIdHash: ridHash,
    birthDate: input.birthDate,
    // Whatever the birth date says, a card opens adult and unverified: concessions wait for an in-person check.
    identityVerified: false,
    concession: null,
    negativeLimitFen: city.card.negativeLimitFen,
    maxBalanceFen: city.card.maxBalanceFen,
    openedAt: now.toISOString(),
  });
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: wallet },
          residentIdPut(store.tableName, ridHash, cardId, input.citizenId, closed?.cardId),
          citizenCardUpdate(store.tableName, input.citizenId, cardId, closed?.cardId),
          // The card it replaces is closed, and stays so until this commits.
          ...(closed
            ? [
                {
                  ConditionCheck: {
                    TableName: store.tableName,
                    Key: accountKey(closed.cardId),
                    ConditionExpression: '#status = :closed',
                    ExpressionAttributeNames: { '#status': 'status' },
                    ExpressionAttributeValues: { ':closed': 'closed' },
                  },
                },
              ]
            : []),
        ],
      }),
    );
    // Records an agency uploaded before the holder opened the card apply from now on.
    await applyRecordsToNewCard(store, ridHash, now);
    return { card: required(cardOf({ ...wallet.Item, balanceFen: 0, version: 0, carried: {} })), created: true };
  } catch (err) {
    if (!isCancelled(err)) throw err;
    const raced = await cardOfCitizen(store, input.citizenId);
    if (raced && raced.status !== 'closed') return { card: raced, created: false };
    if (cancellationCodes(err)[1] === 'ConditionalCheckFailed') {
      throw new ConflictError(
        'ID_NUMBER_IN_USE',
        'This resident id number already holds a card; if it is yours, a service outlet or the hotline can release it after an in-person check',
      );
    }
    throw err;
  }
}

/**
 * The resident id number's one card: a new number is taken once; a number whose card was closed moves
 * to the holder's new card (never away from an open card: that is 409 ID_NUMBER_IN_USE).
 */
function residentIdPut(tableName: string, ridHash: string, cardId: string, citizenId: string, closedCardId?: string) {
  return {
    Put: {
      TableName: tableName,
      Item: { ...residentIdKey(ridHash), cardId, citizenId },
      ...(closedCardId
        ? {
            ConditionExpression: 'attribute_not_exists(pk) OR cardId = :closed',
            ExpressionAttributeValues: { ':closed': closedCardId },
          }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  };
}

/** The citizen's card: set once, or moved from the closed card to the new one (kept in closedCardIds). */
function citizenCardUpdate(tableName: string, citizenId: string, cardId: string, closedCardId?: string) {
  return {
    Update: {
      TableName: tableName,
      Key: citizenKey(citizenId),
      ...(closedCardId
        ? {
            UpdateExpression:
              'SET cardId = :card, closedCardIds = list_append(if_not_exists(closedCardIds, :none), :closed)',
            ConditionExpression: 'cardId = :was',
            ExpressionAttributeValues: {
              ':card': cardId,
              ':was': closedCardId,
              ':closed': [closedCardId],
              ':none': [],
            },
          }
        : {
            UpdateExpression: 'SET cardId = :card',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(cardId)',
            ExpressionAttributeValues: { ':card': cardId },
          }),
    },
  };
}

/** The card with its balance: its own item and its newest entry, read consistently in one query. */
export async function cardItem(store: Store, cardId: string): Promise<CardItem | undefined> {
  return cardOf(await readWallet(store, cardId));
}

export async function cardOfCitizen(store: Store, citizenId: string): Promise<CardItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: citizenKey(citizenId), ConsistentRead: true }),
  );
  if (!Item?.cardId) return undefined;
  return cardItem(store, attributes(Item, 'citizen').str('cardId'));
}

/**
 * The card whose history the citizen asks for: their current card by default, or one of the cards
 * they closed (kept with its statement for the records' ten years); any other card is 404, as if it
 * did not exist.
 */
export async function ownCardId(store: Store, citizenId: string, asked: string | undefined): Promise<string> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: citizenKey(citizenId), ConsistentRead: true }),
  );
  const citizen = attributes(Item ?? {}, 'citizen');
  const current = citizen.optStr('cardId');
  const closed = Array.isArray(Item?.closedCardIds) ? Item.closedCardIds : [];
  const cardId = asked ?? current;
  if (!cardId || (cardId !== current && !closed.includes(cardId))) {
    throw new NotFoundError('Card', asked ? { cardId: asked } : { hint: 'open one with POST /v1/me/card' });
  }
  return cardId;
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
 * Freezes or unfreezes, and puts the card on or off the deny list in the same transaction, with the
 * card's mark (wallet-head.ts), so a debit planned on the old status cannot commit. Freezing a frozen
 * card changes nothing, except that an operator's freeze takes over a citizen's: only an operator
 * lifts it (409 FROZEN_BY_OPERATOR for the citizen), so a thief holding the phone cannot.
 */
export async function setCardStatus(
  store: Store,
  cardId: string,
  status: 'active' | 'frozen',
  actor: FreezeActor,
  now: Date,
): Promise<CardItem> {
  const frozen = status === 'frozen';
  let takeOver = false;
  const after = await changeWalletItem(
    store,
    cardId,
    now,
    frozen ? 'frozen' : 'unfrozen',
    (wallet) => {
      if (wallet.kind !== 'wallet') throw new NotFoundError('Card', { cardId });
      const card = required(cardOf(wallet));
      if (card.status === 'closed') throw new RefusedError('CARD_CLOSED', 'This card is closed');
      if (!frozen && card.status === 'frozen' && card.frozenBy === 'operator' && actor.by !== 'operator') {
        throw new ConflictError('FROZEN_BY_OPERATOR', 'The hotline froze this card: only an operator can unfreeze it');
      }
      takeOver = frozen && card.status === 'frozen' && actor.by === 'operator' && card.frozenBy !== 'operator';
      if (card.status === status && !takeOver) return null;
      return [
        {
          Update: {
            TableName: store.tableName,
            Key: accountKey(cardId),
            UpdateExpression: frozen
              ? 'SET #status = :status, statusChangedAt = :now, frozenBy = :by, frozenReason = :reason, frozenByPrincipal = :principal'
              : 'SET #status = :status, statusChangedAt = :now REMOVE frozenBy, frozenReason, frozenByPrincipal',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':status': status,
              ':now': now.toISOString(),
              ...(frozen
                ? {
                    ':by': actor.by,
                    ':reason': actor.by === 'operator' ? actor.reason : 'frozen by the holder',
                    ':principal': actor.by === 'operator' ? actor.principal : card.citizenId,
                  }
                : {}),
            },
          },
        },
      ];
    },
    (items) =>
      takeOver
        ? store.doc.send(new TransactWriteCommand({ TransactItems: items }))
        : changeDenyList(store, { kind: 'card', id: cardId }, frozen ? 'add' : 'remove', now, items),
  );
  if (after?.kind !== 'wallet') throw new NotFoundError('Card', { cardId });
  return required(cardOf(after));
}

/** The write that sets attributes on a card's own item (what a card is, not what it holds). */
/** Sets attributes on a card's own item, in order with its money; answers the card as it is after. */
async function updateCard(store: Store, cardId: string, sets: Record<string, unknown>, now: Date): Promise<CardItem> {
  const after = await changeWalletItem(store, cardId, now, 'card', (card) =>
    card.kind !== 'wallet' || Object.keys(sets).length === 0 ? null : [walletItemSet(store.tableName, cardId, sets)],
  );
  if (after?.kind !== 'wallet') throw new NotFoundError('Card', { cardId });
  return required(cardOf(after));
}

/**
 * A concession granted on evidence an operator checked (student, disabled; senior on other evidence than
 * age). It needs a verified identity: an unverified card would be a self-declared concession again.
 */
export async function setConcession(store: Store, cardId: string, fareClass: FareClass, now: Date): Promise<CardItem> {
  const card = await cardItem(store, cardId);
  if (card?.kind !== 'wallet') throw new NotFoundError('Card', { cardId });
  if (fareClass !== 'adult' && !card.identityVerified) {
    throw new RefusedError(
      'IDENTITY_NOT_VERIFIED',
      'A concession needs the holder’s identity verified in person first',
    );
  }
  return updateCard(
    store,
    cardId,
    { concession: fareClass === 'adult' ? null : fareClass, fareClassChangedAt: now.toISOString() },
    now,
  );
}

export interface IdentityCheck {
  /** Who vouched: an operator (with their principal) or a service outlet's client. */
  verifiedBy: string;
  /** The operator's ticket or the outlet's check id. */
  reference: string;
  /** At a counter the agent types the id number from the card shown: it must be the holder's (422 ID_MISMATCH). */
  idNumber?: string;
}

/**
 * Records an in-person identity check. A concession follows from then on (senior from the birth date
 * by itself). A check of an already verified card changes nothing; a wrong id number changes nothing
 * either and answers ID_MISMATCH.
 */
export async function verifyIdentity(
  store: Store,
  cardId: string,
  check: IdentityCheck,
  pepper: string,
  now: Date,
): Promise<CardItem> {
  const card = await cardItem(store, cardId);
  if (card?.kind !== 'wallet') throw new NotFoundError('Card', { cardId });
  if (check.idNumber !== undefined && residentIdHash(check.idNumber, pepper) !== card.residentIdHash) {
    throw new RefusedError('ID_MISMATCH', 'This id number is not the card holder’s');
  }
  if (card.identityVerified) return card;
  return updateCard(store, cardId, verifiedIdentityAttributes(card, check, now), now);
}

/** What an in-person check sets on the card (a card verified before keeps its first check's record). */
export function verifiedIdentityAttributes(
  card: CardItem,
  check: Pick<IdentityCheck, 'verifiedBy' | 'reference'>,
  now: Date,
): Record<string, unknown> {
  if (card.identityVerified) return {};
  return {
    identityVerified: true,
    identityVerifiedAt: now.toISOString(),
    identityVerifiedBy: check.verifiedBy,
    identityReference: check.reference,
  };
}

/**
 * Gives a resident id number back to its real holder when someone else opened a card with it: after an
 * in-person check, an operator releases it from that card, which is frozen by the operator (its holder
 * has to come forward) and loses the number; the real holder then opens their own card. A card whose
 * holder was verified in person keeps its number: that check already settled who it belongs to.
 */
export async function releaseResidentId(
  store: Store,
  idNumber: string,
  actor: Extract<FreezeActor, { by: 'operator' }>,
  pepper: string,
  now: Date,
): Promise<{ cardId: string }> {
  const ridHash = residentIdHash(idNumber, pepper);
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: residentIdKey(ridHash), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Card holding this id number');
  const cardId = attributes(Item, 'resident id').str('cardId');
  const card = await cardItem(store, cardId);
  if (card?.identityVerified) {
    throw new ConflictError('ID_NUMBER_IN_USE', 'The holder of this card was verified in person; it keeps its number');
  }
  await setCardStatus(store, cardId, 'frozen', actor, now);
  try {
    await store.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: store.tableName,
              Key: residentIdKey(ridHash),
              ConditionExpression: 'cardId = :card',
              ExpressionAttributeValues: { ':card': cardId },
            },
          },
          {
            Update: {
              TableName: store.tableName,
              Key: accountKey(cardId),
              // Money does not depend on it (the card is frozen above): no mark needed.
              UpdateExpression: 'SET residentIdReleasedAt = :now, residentIdReleasedBy = :by REMOVE residentIdHash',
              ConditionExpression: 'attribute_not_exists(identityVerified) OR identityVerified = :no',
              ExpressionAttributeValues: { ':now': now.toISOString(), ':by': actor.principal, ':no': false },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (!isCancelled(err)) throw err;
    throw new ConflictError('ID_NUMBER_IN_USE', 'The card changed while its id number was released; look again');
  }
  return { cardId };
}
