import { cardOf } from '../cards/cards';
import { ConflictError } from '../errors';
import { allowanceReserve, SYSTEM } from '../ledger/accounts';
import { runCommand } from '../ledger/command';
import { postTransfer, storedResult, storedTransfer } from '../ledger/transfers';
import { attributes } from '../store/attributes';
import { accountKey, allowanceDayKey } from '../store/keys';
import type { Store } from '../store/store';
import { businessDate } from '../time/shanghai';
import { paymentId } from './allowance';

/** What a run's money moves name: the run, its month and the total it planned. */
export interface RunMoney {
  runId: string;
  month: string;
  totalFen: number;
}

export const fundInsufficient = (fundBalanceFen: number, neededFen: number) =>
  new ConflictError('FUND_INSUFFICIENT', `The fund holds ${fundBalanceFen} fen; this run needs ${neededFen}`, {
    fundBalanceFen,
    neededFen,
  });

/**
 * Sets the run's whole total aside from the fund, before any card is paid: all or nothing, under the
 * fund's floor, so two runs at once can never together pay more than the fund holds. Refused with
 * 409 FUND_INSUFFICIENT when the fund (as it is at the commit) cannot cover it. Once per run.
 */
export async function reserveRun(store: Store, run: RunMoney, now: Date): Promise<void> {
  if (run.totalFen === 0) return;
  const transferId = `allowance-reserve:${run.runId}`;
  await runCommand(store, {
    reads: { fund: accountKey(SYSTEM.allowanceFund, 0) },
    plan: ({ fund }, ctx) => {
      const balanceFen = attributes(fund ?? {}, 'allowance fund').intOr0('balanceFen');
      // The floor refused the debit: another run reserved first, whatever this read says.
      if (balanceFen < run.totalFen || ctx.exhaustedShards.size > 0) throw fundInsufficient(balanceFen, run.totalFen);
      return {
        transfer: {
          transferId,
          kind: 'allowance' as const,
          at: now.toISOString(),
          description: `Senior living allowance ${run.month}: run ${run.runId} reserved`,
          ref: run.runId,
          postings: [
            { accountId: SYSTEM.allowanceFund, amountFen: -run.totalFen },
            { accountId: allowanceReserve(run.runId), amountFen: run.totalFen },
          ],
        },
        result: { transferId },
      };
    },
    replay: async () => ((await storedTransfer(store, { transferId })) ? { transferId } : undefined),
  });
}

/** What the run reserved and did not pay goes back to the fund, once. */
export async function releaseRun(store: Store, run: RunMoney, paidFen: number, now: Date): Promise<void> {
  const leftFen = run.totalFen - paidFen;
  if (leftFen === 0) return;
  await postTransfer(store, {
    transferId: `allowance-release:${run.runId}`,
    kind: 'allowance',
    at: now.toISOString(),
    description: `Senior living allowance ${run.month}: run ${run.runId} gave back what it did not pay`,
    ref: run.runId,
    postings: [
      { accountId: allowanceReserve(run.runId), amountFen: -leftFen },
      { accountId: SYSTEM.allowanceFund, amountFen: leftFen },
    ],
  });
}

/**
 * One month's allowance into one card, once (its transfer id names month and card), out of the run's
 * reserve: the card shows it (the statement, kind allowance), and shows it as this month's unless it
 * already shows a later month's (a back-payment does not hide the current month's). `place` names the
 * run's row that pays; the answer names the row that paid, so a second row of the same card (another
 * record of the holder) learns it was paid already, and a retried row that it was its own payment.
 */
export async function payCard(
  store: Store,
  run: RunMoney,
  cardId: string,
  amountFen: number,
  now: Date,
  place: string,
): Promise<string> {
  const transferId = paymentId(run.month, cardId);
  const paidRow = `${run.runId}#${place}`;
  const answer = await runCommand<{ transferId: string; paidRow?: string }>(store, {
    reads: { wallet: accountKey(cardId) },
    plan: ({ wallet }) => {
      const shown = cardOf(wallet)?.lastAllowance;
      const latest = !shown || shown.month <= run.month;
      return {
        transfer: {
          transferId,
          kind: 'allowance' as const,
          at: now.toISOString(),
          description: `Senior living allowance ${run.month}`,
          ref: run.runId,
          postings: [
            { accountId: allowanceReserve(run.runId), amountFen: -amountFen },
            { accountId: cardId, amountFen },
          ],
        },
        ...(latest ? { walletAttributes: { [cardId]: { lastAllowance: { month: run.month, amountFen } } } } : {}),
        writes: [
          {
            item: {
              Update: {
                TableName: store.tableName,
                Key: allowanceDayKey(businessDate(now)),
                UpdateExpression: 'ADD #paid :amount',
                ExpressionAttributeNames: { '#paid': 'paidFen' },
                ExpressionAttributeValues: { ':amount': amountFen },
              },
            },
            onConditionFailed: 'replan' as const,
          },
        ],
        result: { transferId, paidRow },
      };
    },
    replay: async () => storedResult(await storedTransfer(store, { transferId })),
  });
  return answer.paidRow === paidRow ? place : (answer.paidRow ?? 'another run');
}
