import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, RefusedError } from '../errors';
import { SYSTEM } from '../ledger/accounts';
import { type Command, runCommand } from '../ledger/command';
import { attributes } from '../store/attributes';
import type { Item } from '../store/items';
import { accountKey, providerRefundKey } from '../store/keys';
import type { Store } from '../store/store';
import { PROVIDER_REFUND_STATUSES, type ProviderRefund } from './online-closure';

export interface ProviderRefundOutcome {
  refundId: string;
  status: 'succeeded' | 'failed';
  amountFen: number;
  providerRef: string;
}

const refundOf = (item: Item): ProviderRefund & { cardId: string } => {
  const a = attributes(item, 'provider refund');
  return {
    refundId: a.str('refundId'),
    topupId: a.str('topupId'),
    amountFen: a.int('amountFen'),
    status: a.oneOf('status', PROVIDER_REFUND_STATUSES),
    cardId: a.str('cardId'),
  };
};

/**
 * The provider's word on a refund of a closed card's balance, applied once: succeeded, the money
 * leaves through top-up clearing (the provider holds it for the citizen now); failed, it comes back
 * onto the closed card, where its holder sees it and collects it in cash at an outlet (never lost).
 * A repeat finds the refund settled and changes nothing.
 */
export async function settleProviderRefund(
  store: Store,
  outcome: ProviderRefundOutcome,
  now: Date,
): Promise<ProviderRefund> {
  const { Item } = await store.doc.send(
    new GetCommand({ TableName: store.tableName, Key: providerRefundKey(outcome.refundId), ConsistentRead: true }),
  );
  if (!Item) throw new NotFoundError('Refund', { refundId: outcome.refundId });
  const known = refundOf(Item);
  if (known.amountFen !== outcome.amountFen) {
    throw new RefusedError('AMOUNT_MISMATCH', 'The amount differs from the requested refund', {
      expectedFen: known.amountFen,
      receivedFen: outcome.amountFen,
    });
  }
  const command: Command<ProviderRefund> = {
    reads: { refund: providerRefundKey(outcome.refundId), wallet: accountKey(known.cardId) },
    plan: (items) => {
      const { cardId, ...refund } = refundOf(items.refund ?? Item);
      if (refund.status !== 'requested') return { result: refund };
      const settled: ProviderRefund = { ...refund, status: outcome.status };
      const back = outcome.status === 'failed';
      return {
        transfer: {
          transferId: `provider-refund:${refund.refundId}`,
          kind: 'closure',
          at: now.toISOString(),
          description: back
            ? `Refund to the top-up provider refused (${refund.topupId}): the money is back on the closed card`
            : `Refund to the top-up provider confirmed (${refund.topupId})`,
          ref: refund.refundId,
          postings: [
            { accountId: SYSTEM.providerRefunds, amountFen: -refund.amountFen },
            { accountId: back ? cardId : SYSTEM.topupClearing, amountFen: refund.amountFen },
          ],
        },
        ...(back ? { settlesClosed: true } : {}),
        writes: [
          {
            item: {
              Update: {
                TableName: store.tableName,
                Key: providerRefundKey(refund.refundId),
                UpdateExpression: 'SET #status = :status, settledAt = :at, providerRef = :ref',
                ConditionExpression: '#status = :requested',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':status': settled.status,
                  ':requested': 'requested',
                  ':at': now.toISOString(),
                  ':ref': outcome.providerRef,
                },
              },
            },
            onConditionFailed: 'replan',
          },
        ],
        result: settled,
      };
    },
    // The refund's own status is the record of the outcome: replanning finds it settled.
    replay: async () => undefined,
  };
  return runCommand(store, command);
}
