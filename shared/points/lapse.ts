import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { pooled } from '../async/pool';
import { invariant } from '../errors';
import { cardPoints, SYSTEM } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import type { TransferSpec } from '../ledger/model';
import { storedResult, storedTransfer } from '../ledger/transfers';
import { walletItemOf } from '../ledger/wallet-head';
import { attributes } from '../store/attributes';
import { accountKey, pointsLapsePk } from '../store/keys';
import type { Store } from '../store/store';
import { type Lots, lapsedBy, lotsOf, withoutMonths } from './lots';

/** Cards one lapse request or job step takes at most: one page of the month's list. */
export const MAX_LAPSE_CARDS = 1000;
/** Cards lapsed at once: each is one transaction on its own points account. */
const LAPSE_CONCURRENCY = 8;

export const pointsLapseTransferId = (cardId: string, month: string) => `points-lapse:${cardId}:${month}`;

/**
 * The posting of lapsed points: off the card's points account into the alliance's pool, the lapsed
 * months dropped from its lots. Used by the month's lapse and by a card's closure (every lot then).
 */
export function lapseTransfer(
  input: { transferId: string; cardId: string; points: number; at: Date; description: string },
  kind: TransferSpec['kind'] = 'points-lapse',
): TransferSpec {
  invariant(input.points > 0, 'a lapse takes points');
  return {
    transferId: input.transferId,
    kind,
    at: input.at.toISOString(),
    description: input.description,
    ref: input.transferId,
    postings: [
      { accountId: cardPoints(input.cardId), amountFen: -input.points },
      { accountId: SYSTEM.pointsPool, amountFen: input.points },
    ],
  };
}

/** Lapses a card's points earned 13 or more months before `month`, once (the same month again answers the first). */
export function lapseCardPoints(store: Store, cardId: string, month: string, at: Date): Promise<number> {
  const transferId = pointsLapseTransferId(cardId, month);
  const command: Command<number> = {
    reads: { points: accountKey(cardPoints(cardId)) },
    plan: (items) => {
      if (!items.points) return { result: 0 };
      const lots: Lots = lotsOf(walletItemOf(items.points).carried?.lots);
      const lapsed = lapsedBy(lots, month);
      if (lapsed.points === 0) return { result: 0 };
      return {
        transfer: lapseTransfer({
          transferId,
          cardId,
          points: lapsed.points,
          at,
          description: `Points earned in ${lapsed.months.sort().join(', ')} lapsed`,
        }),
        walletAttributes: { [cardPoints(cardId)]: { lots: withoutMonths(lots, lapsed.months) } },
        result: lapsed.points,
      };
    },
    replay: async () => storedResult<number>(await storedTransfer(store, { transferId })),
  };
  return runCommand(store, command);
}

export interface LapseStep {
  month: string;
  cards: number;
  pointsLapsed: number;
  /** Cards are left in the month's list: run again (the job does, until none is). */
  more: boolean;
}

/**
 * One step of a month's lapse: up to `maxCards` cards of the month's list, each lapsed once, then
 * taken off the list. Bounded by the cards whose points lapse this month, never by the city's cards;
 * a step cut off halfway is simply run again (each card's lapse is once, its list item goes after).
 */
export async function lapseStep(store: Store, month: string, at: Date, maxCards = MAX_LAPSE_CARDS): Promise<LapseStep> {
  invariant(maxCards >= 1 && maxCards <= MAX_LAPSE_CARDS, 'a lapse step takes 1 to 1000 cards');
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pointsLapsePk(month) },
      ConsistentRead: true,
      Limit: maxCards,
    }),
  );
  const listed = (page.Items ?? []).map((i) => attributes(i, 'points lapse').str('sk'));
  const lapsed = await pooled(listed, LAPSE_CONCURRENCY, (cardId) => lapseCardPoints(store, cardId, month, at));
  let leftListed = 0;
  for (let i = 0; i < listed.length; i += 25) {
    const keys = listed.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: pointsLapsePk(month), sk } } }));
    const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.tableName]: keys } }));
    // What DynamoDB left undone stays listed: the next step lapses it again (once) and deletes it.
    leftListed += out.UnprocessedItems?.[store.tableName]?.length ?? 0;
  }
  return {
    month,
    cards: listed.length,
    pointsLapsed: lapsed.reduce((s, p) => s + p, 0),
    more: page.LastEvaluatedKey !== undefined || leftListed > 0,
  };
}
