import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, RefusedError } from '../errors';
import { answeredMeanwhile, keptAnswerAttributes, type StoredResponse } from '../idempotency/store';
import { billerPayable } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { attributes } from '../store/attributes';
import { decodeCursor, nextCursor } from '../store/cursor';
import { parsedOrNone, type TransactItem } from '../store/items';
import { keptJson } from '../store/kept-text';
import { accountKey, billerPaymentsIndex, billKey, billPaymentKey, billTransferId } from '../store/keys';
import type { Store } from '../store/store';
import { BILL_ITEM, type BillItem } from './bills';

export interface BillPayment {
  paymentId: string;
  billId: string;
  amountFen: number;
  status: 'completed';
  receiptNo: string;
}

/** What a biller reads of a payment to its bills. */
export interface BillerPayment extends BillPayment {
  externalRef: string;
  accountNo: string;
  period: string;
  paidAt: string;
}

/** A payment's id follows from the citizen and the Idempotency-Key, so a retry is the same payment. */
export function billPaymentIdFor(citizenId: string, idempotencyKey: string): string {
  return `bpay_${createHash('sha256').update(`${citizenId}\u0000${idempotencyKey}`).digest('base64url').slice(0, 24)}`;
}

/** The receipt number printed for the citizen and the biller: the Shanghai date and 10 digits. */
export function receiptNoFor(paymentId: string, at: Date): string {
  const day = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
  const digits = [...createHash('sha256').update(paymentId).digest().subarray(0, 10)].map((b) => b % 10).join('');
  return `R${day}${digits}`;
}

const toAnswer = (p: BillPayment): BillPayment => ({
  paymentId: p.paymentId,
  billId: p.billId,
  amountFen: p.amountFen,
  status: p.status,
  receiptNo: p.receiptNo,
});

/** Refuses an amount the bill does not take: nothing due, more than due, or part of a bill paid whole. */
function assertPayable(bill: BillItem, amountFen: number): void {
  const dueFen = bill.billedFen - bill.paidFen;
  if (bill.status === 'paid' || dueFen <= 0) throw new ConflictError('ALREADY_PAID', 'This bill is paid');
  if (amountFen > dueFen) {
    throw new RefusedError('AMOUNT_EXCEEDS_DUE', `At most ${dueFen} fen is due`, { amountDueFen: dueFen });
  }
  if (amountFen < dueFen && !bill.allowPartial) {
    throw new RefusedError('PARTIAL_NOT_ALLOWED', `This bill is paid whole: ${dueFen} fen`, { amountDueFen: dueFen });
  }
}

/** The bill's paid amount raised, on the terms it was priced on: a biller's re-upload between read and write replans. */
function billPaidUpdate(tableName: string, bill: BillItem, paidAfterFen: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: billKey(bill.billId),
      UpdateExpression: 'SET paidFen = :after, #status = :status',
      ConditionExpression: 'paidFen = :before AND billedFen = :billed AND allowPartial = :partial',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':after': paidAfterFen,
        ':before': bill.paidFen,
        ':billed': bill.billedFen,
        ':partial': bill.allowPartial,
        ':status': paidAfterFen >= bill.billedFen ? 'paid' : 'open',
      },
    },
  };
}

/**
 * Pays (part of) a bill from the card, once: the wallet to the biller's payable account, the bill's
 * paid amount raised under the condition that it still holds what was read, and the payment record
 * (the anchor of the request's Idempotency-Key, with its first answer, and the biller's feed), all in
 * one transaction. The whole amount must be
 * in the balance: the negative limit is for transit only.
 */
export function payBill(
  store: Store,
  input: {
    paymentId: string;
    cardId: string;
    billId: string;
    amountFen: number;
    now: Date;
    /** The request's Idempotency-Key lives on the payment record: its hash, and the answer a retry gets. */
    requestHash: string;
    answerOf: (payment: BillPayment) => StoredResponse;
  },
): Promise<BillPayment> {
  const command: Command<BillPayment> = {
    reads: { wallet: accountKey(input.cardId), bill: billKey(input.billId) },
    plan: (items) => {
      const bill = parsedOrNone(BILL_ITEM, items.bill);
      if (!bill) throw new NotFoundError('Bill', { billId: input.billId });
      assertPayable(bill, input.amountFen);
      if (!items.wallet) throw new NotFoundError('Card');
      const paidAt = input.now.toISOString();
      const paidAfter = bill.paidFen + input.amountFen;
      const answer: BillPayment = {
        paymentId: input.paymentId,
        billId: bill.billId,
        amountFen: input.amountFen,
        status: 'completed',
        receiptNo: receiptNoFor(input.paymentId, input.now),
      };
      return {
        transfer: {
          transferId: billTransferId(input.paymentId),
          kind: 'bill',
          at: paidAt,
          description: `${bill.billerId} bill ${bill.period} (${bill.accountNo})`,
          ref: bill.billId,
          postings: [
            { accountId: input.cardId, amountFen: -input.amountFen },
            { accountId: billerPayable(bill.billerId), amountFen: input.amountFen },
          ],
        },
        writes: [{ item: billPaidUpdate(store.tableName, bill, paidAfter), onConditionFailed: 'replan' }],
        // The payment's record rides on its transfer's (one put, the anchor of both), listed for its
        // biller by the second index: the first is settlement's.
        // Only what the transfer does not say already (the answer is its `result`, the time its `at`).
        transferAttributes: {
          externalRef: bill.externalRef,
          accountNo: bill.accountNo,
          period: bill.period,
          gsi2pk: billerPaymentsIndex(bill.billerId),
          gsi2sk: `${paidAt}#${input.paymentId}`,
          ...keptAnswerAttributes(input.requestHash, input.answerOf(answer), JSON.stringify(answer)),
        },
        result: answer,
      };
    },
    replay: () => answeredMeanwhile(store, billPaymentKey(input.paymentId), input.requestHash),
  };
  return runCommand(store, command);
}

export const BILLER_PAYMENTS_MAX_PAGE = 500;
const PAYMENT_SK = /^\d{4}-\d\d-\d\dT[\d:.]+Z#bpay_[\w-]+$/;

/** A biller's payments in the order they were made, after `since` (a time) or a cursor. */
export async function billerPaymentsPage(
  store: Store,
  billerId: string,
  options: { since?: string; cursor?: string; limit: number },
) {
  const after = options.cursor ? decodeCursor(options.cursor, 'biller-payments', PAYMENT_SK) : undefined;
  const page = await store.doc.send(
    new QueryCommand({
      TableName: store.tableName,
      IndexName: 'gsi2',
      KeyConditionExpression: options.since && !after ? 'gsi2pk = :pk AND gsi2sk > :since' : 'gsi2pk = :pk',
      ExpressionAttributeValues: {
        ':pk': billerPaymentsIndex(billerId),
        ...(options.since && !after ? { ':since': new Date(options.since).toISOString() } : {}),
      },
      Limit: Math.min(options.limit, BILLER_PAYMENTS_MAX_PAGE),
      ...(after
        ? {
            ExclusiveStartKey: {
              gsi2pk: billerPaymentsIndex(billerId),
              gsi2sk: after,
              ...billPaymentKey(after.split('#')[1]!),
            },
          }
        : {}),
    }),
  );
  // Each payment's transfer record: its answer (`result`), the bill's terms, the time it was paid.
  const items = (page.Items ?? []).map((i): BillerPayment => {
    const a = attributes(i, 'bill payment');
    return {
      ...toAnswer(keptJson<BillPayment>(i.result)),
      externalRef: a.str('externalRef'),
      accountNo: a.str('accountNo'),
      period: a.str('period'),
      paidAt: a.str('at'),
    };
  });
  const last = page.LastEvaluatedKey;
  return { items, nextCursor: nextCursor('biller-payments', last ? { sk: last.gsi2sk } : undefined) };
}
