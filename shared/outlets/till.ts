import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { GuardedWrite } from '../ledger/command';
import { attributes } from '../store/attributes';
import { cityCashKey, tillKey } from '../store/keys';
import type { Store } from '../store/store';
import type { Till } from './model';

/** Names the till's daily cash limit among a top-up's writes: its failure means "read the till". */
export const TILL_GUARD = 'till-limit';

/**
 * Adds a cash top-up to the outlet's till for the business day, in the top-up's own transaction, on
 * condition that the day's cash stays within the outlet's limit: the count is exact and the limit
 * holds however many counters an outlet has.
 */
export function tillWrite(
  tableName: string,
  outletId: string,
  date: string,
  amountFen: number,
  maxDailyCashFen: number,
): GuardedWrite {
  return {
    name: TILL_GUARD,
    item: {
      Update: {
        TableName: tableName,
        Key: tillKey(outletId, date),
        UpdateExpression: 'ADD #count :one, #cash :amount SET #outlet = :outlet, #date = :date',
        ConditionExpression: 'attribute_not_exists(#cash) OR #cash <= :room',
        ExpressionAttributeNames: {
          '#count': 'topupsCount',
          '#cash': 'cashFen',
          '#outlet': 'outletId',
          '#date': 'businessDate',
        },
        ExpressionAttributeValues: {
          ':one': 1,
          ':amount': amountFen,
          ':outlet': outletId,
          ':date': date,
          ':room': maxDailyCashFen - amountFen,
        },
      },
    },
    onConditionFailed: 'replan',
  };
}

/** Every outlet's cash of a business day together, for the operator report: counted with each top-up. */
export function cityCashWrite(tableName: string, date: string, amountFen: number) {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: cityCashKey(date),
        UpdateExpression: 'ADD #count :one, #cash :amount',
        ExpressionAttributeNames: { '#count': 'topupsCount', '#cash': 'cashFen' },
        ExpressionAttributeValues: { ':one': 1, ':amount': amountFen },
      },
    },
    onConditionFailed: 'replan' as const,
  };
}

export async function cityCashOn(store: Store, date: string): Promise<number> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: cityCashKey(date), ConsistentRead: true }),
  );
  return attributes(Item ?? {}, 'city cash').intOr0('cashFen');
}

/** The cash an outlet took in a business day, which it owes the city at the day's end. */
export async function tillOf(store: Store, outletId: string, date: string): Promise<Till> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: tillKey(outletId, date), ConsistentRead: true }),
  );
  return {
    outletId,
    businessDate: date,
    topupsCount: attributes(Item ?? {}, 'till').intOr0('topupsCount'),
    cashFen: attributes(Item ?? {}, 'till').intOr0('cashFen'),
    closuresCount: attributes(Item ?? {}, 'till').intOr0('closuresCount'),
    paidOutFen: attributes(Item ?? {}, 'till').intOr0('paidOutFen'),
  };
}

/** Counts a card closed at the outlet and the cash paid back, on the till's day (no limit: it is the holder's money). */
export function tillPayoutWrite(tableName: string, outletId: string, date: string, amountFen: number): GuardedWrite {
  return {
    item: {
      Update: {
        TableName: tableName,
        Key: tillKey(outletId, date),
        UpdateExpression: 'ADD #count :one, #paid :amount SET #outlet = :outlet, #date = :date',
        ExpressionAttributeNames: {
          '#count': 'closuresCount',
          '#paid': 'paidOutFen',
          '#outlet': 'outletId',
          '#date': 'businessDate',
        },
        ExpressionAttributeValues: { ':one': 1, ':amount': amountFen, ':outlet': outletId, ':date': date },
      },
    },
    onConditionFailed: 'replan',
  };
}
