import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailed } from '../store/conditions';
import { ownerIndexPage } from '../store/index-page';
import { itemKind, parsedOrNone } from '../store/items';
import { billAccountIndex, billKey } from '../store/keys';
import type { Store } from '../store/store';
import { billIdFor } from './ids';
import type { BillInput } from './model';

export interface Bill {
  billId: string;
  billerId: string;
  accountNo: string;
  period: string;
  /** What is still due: billed less paid. */
  amountDueFen: number;
  dueDate: string;
  status: 'open' | 'paid';
  allowPartial: boolean;
}

/** As stored: the billed amount and what has been paid of it; what is due follows. */
export const BILL_ITEM = itemKind(
  'bill',
  z.object({
    billId: z.string(),
    billerId: z.string(),
    externalRef: z.string(),
    accountNo: z.string(),
    period: z.string(),
    billedFen: z.number().int(),
    paidFen: z.number().int(),
    dueDate: z.string(),
    allowPartial: z.boolean(),
    status: z.enum(['open', 'paid']),
  }),
);
export type BillItem = z.infer<typeof BILL_ITEM.schema>;

export const toBill = (b: BillItem): Bill => ({
  billId: b.billId,
  billerId: b.billerId,
  accountNo: b.accountNo,
  period: b.period,
  amountDueFen: b.billedFen - b.paidFen,
  dueDate: b.dueDate,
  status: b.status,
  allowPartial: b.allowPartial,
});

/** Open bills of an account at most, newest period first: a household's unpaid months. */
export const ACCOUNT_BILLS_MAX = 50;

export function newBillItem(billerId: string, input: BillInput): BillItem {
  return {
    billId: billIdFor(billerId, input.externalRef),
    billerId,
    externalRef: input.externalRef,
    accountNo: input.accountNo,
    period: input.period,
    billedFen: input.amountDueFen,
    paidFen: 0,
    dueDate: input.dueDate,
    allowPartial: input.allowPartial,
    status: 'open',
  };
}

const itemKeys = (b: BillItem) => ({
  ...billKey(b.billId),
  gsi1pk: billAccountIndex(b.billerId, b.accountNo),
  gsi1sk: `${b.period}#${b.billId}`,
});

export async function getBill(store: Store, billId: string): Promise<BillItem | undefined> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: billKey(billId), ConsistentRead: true }),
  );
  return parsedOrNone(BILL_ITEM, Item);
}

/** One page of an account's open bills, newest period first (a page may hold fewer than it asked for). */
export async function openBillsPage(
  store: Store,
  account: { billerId: string; accountNo: string },
  page: { limit: number; cursor?: string | undefined },
) {
  const read = await ownerIndexPage(store, {
    list: 'bills',
    indexPk: billAccountIndex(account.billerId, account.accountNo),
    limit: page.limit,
    maxPage: ACCOUNT_BILLS_MAX,
    cursor: page.cursor,
    skShape: BILL_SK,
    tableKeyOf: (sk) => billKey(sk.slice(sk.lastIndexOf('#') + 1)),
    status: 'open',
  });
  return { items: read.items.map((i) => toBill(BILL_ITEM.parse(i))), nextCursor: read.nextCursor };
}
const BILL_SK = /^[^#]{1,32}#bill_[\w-]{1,64}$/;

export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'locked';

/**
 * A biller's bill, by its own reference: new ones are created; an unpaid one takes the new amount,
 * due date and terms; one that has been paid (in part) is locked, since a citizen paid against it.
 */
export async function upsertBill(
  store: Store,
  billerId: string,
  input: BillInput,
  now: Date,
): Promise<{ billId: string; outcome: UpsertOutcome }> {
  const fresh = newBillItem(billerId, input);
  try {
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...itemKeys(fresh), ...fresh, createdAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { billId: fresh.billId, outcome: 'created' };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
  }
  const existing = (await getBill(store, fresh.billId))!;
  const same =
    existing.accountNo === fresh.accountNo &&
    existing.period === fresh.period &&
    existing.billedFen === fresh.billedFen &&
    existing.dueDate === fresh.dueDate &&
    existing.allowPartial === fresh.allowPartial;
  if (same) return { billId: fresh.billId, outcome: 'unchanged' };
  try {
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: billKey(fresh.billId),
        UpdateExpression:
          'SET accountNo = :acct, period = :period, billedFen = :billed, dueDate = :due, allowPartial = :partial, gsi1pk = :gpk, gsi1sk = :gsk, updatedAt = :now',
        ConditionExpression: 'paidFen = :zero',
        ExpressionAttributeValues: {
          ':acct': fresh.accountNo,
          ':period': fresh.period,
          ':billed': fresh.billedFen,
          ':due': fresh.dueDate,
          ':partial': fresh.allowPartial,
          ':gpk': itemKeys(fresh).gsi1pk,
          ':gsk': itemKeys(fresh).gsi1sk,
          ':now': now.toISOString(),
          ':zero': 0,
        },
      }),
    );
    return { billId: fresh.billId, outcome: 'updated' };
  } catch (err) {
    if (!isConditionFailed(err)) throw err;
    return { billId: fresh.billId, outcome: 'locked' };
  }
}

/** The seed city's bills go in as a biller would upload them. */
export function seedBillPut(billerId: string, input: BillInput, now: Date) {
  const item = newBillItem(billerId, input);
  return { ...itemKeys(item), ...item, createdAt: now.toISOString() };
}
