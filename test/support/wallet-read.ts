import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';
import { accountKey, entryKey } from '../../shared/store/keys';

/**
 * What DynamoDB answers to a wallet's read (ledger/wallet-head.ts): its own item, then its newest
 * entry with the balance after it, at sequence `version`.
 */
export function walletQueryAnswer(accountId: string, balanceFen: number, version: number, own: object = {}) {
  return {
    Items: [
      {
        ...accountKey(accountId),
        accountId,
        kind: 'wallet',
        status: 'active',
        // A card's own attributes, as cards.ts opens one.
        cardId: accountId,
        cardNumber: '3101000000000001',
        citizenId: 'cit_test',
        negativeLimitFen: 0,
        ...own,
      },
      ...(version > 0 ? [{ ...entryKey(accountId, version), amountFen: 0, balanceAfterFen: balanceFen }] : []),
    ],
  };
}

/** The mocked read of one wallet, for `.resolves(walletQueryAnswer(...))`, `.rejects(...)`. */
// biome-ignore lint/suspicious/noExplicitAny: the mock's client types vary with the client mocked
export const onWalletQuery = (ddb: AwsStub<any, any, any>, accountId: string) =>
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': accountKey(accountId).pk } });
