import { ProvisionedThroughputExceededException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { operatorPayable } from '../../../shared/ledger/accounts';
import type { TransferSpec } from '../../../shared/ledger/model';
import { transferContentHash } from '../../../shared/ledger/transaction';
import { postTransfer } from '../../../shared/ledger/transfers';
import { entryKey, transferKey } from '../../../shared/store/keys';
import { mockedStore } from '../../support/mock-store';
import { onWalletQuery, walletQueryAnswer } from '../../support/wallet-read';

const TABLE = 'faults';
const WALLET = 'card_fault';
const { ddb, store } = mockedStore(TABLE);
const noWait = { sleep: async () => {} };

const spec: TransferSpec = {
  transferId: 'xfer-1',
  kind: 'fare',
  at: '2026-11-27T08:00:00+08:00',
  description: 'Bus B1',
  ref: 'tap-1',
  postings: [
    { accountId: WALLET, amountFen: -200 },
    { accountId: operatorPayable('bus-co'), amountFen: 200 },
  ],
};

const walletRead = (balanceFen: number, version: number) => walletQueryAnswer(WALLET, balanceFen, version);
const onWalletRead = () => onWalletQuery(ddb, WALLET);
// Items: [transfer record, revenue shard, the wallet's next entry]
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

beforeEach(() => {
  ddb.reset();
  ddb.on(GetCommand).resolves({});
});

describe('ledger transfers under DynamoDB faults', () => {
  it('plans again from fresh state when another writer took the wallet’s next entry first', async () => {
    onWalletRead().resolvesOnce(walletRead(1000, 3)).resolves(walletRead(900, 4));
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .resolves({});
    const result = await postTransfer(store, spec, noWait);
    expect(result.walletBalances[WALLET]).toBe(700);
    const writes = ddb.commandCalls(TransactWriteCommand);
    expect(writes).toHaveLength(2);
    const second = writes[1]!.args[0].input.TransactItems!;
    const head = second.find((i) => i.Put?.Item?.pk === `ACCT#${WALLET}`)!.Put!;
    expect(head.Item).toMatchObject({ ...entryKey(WALLET, 5), amountFen: -200, balanceAfterFen: 700 });
    expect(head.ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('refuses with INSUFFICIENT_FUNDS when the fresh state no longer covers the debit, writing nothing more', async () => {
    onWalletRead().resolvesOnce(walletRead(300, 3)).resolves(walletRead(100, 4));
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'None', 'ConditionalCheckFailed'))
      .resolves({});
    await expect(postTransfer(store, spec, noWait)).rejects.toMatchObject({ code: 'INSUFFICIENT_FUNDS' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('retries a transaction conflict and throttling with backoff, then succeeds', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict', 'None'))
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .resolves({});
    const waits: number[] = [];
    const result = await postTransfer(store, spec, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 });
    expect(result.walletBalances[WALLET]).toBe(800);
    expect(waits).toEqual([2, 5]);
  });

  it('answers 503 RETRY_LATER when throttling outlasts the retries, with nothing written', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(postTransfer(store, spec, { ...noWait, maxAttempts: 4 })).rejects.toMatchObject({
      code: 'RETRY_LATER',
    });
    // Every write went through TransactWriteItems, all-or-nothing; no stray single-item write exists.
    expect(
      ddb
        .calls()
        .map((c) => c.args[0].constructor.name)
        .filter((n) => n !== 'GetCommand' && n !== 'QueryCommand'),
    ).toEqual(Array(4).fill('TransactWriteCommand'));
  });

  it('returns the first answer when the commit succeeded but its response was lost', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    const timeout = Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    ddb.on(TransactWriteCommand).rejects(timeout);
    // No record before the attempt; the committed one (with the request's content hash) after it.
    ddb
      .on(GetCommand, { Key: transferKey('xfer-1') })
      .resolvesOnce({})
      .resolves({
        Item: {
          ...transferKey('xfer-1'),
          postings: spec.postings,
          contentHash: transferContentHash(spec),
          result: JSON.stringify({ transferId: 'xfer-1', walletBalances: { [WALLET]: 800 } }),
        },
      });
    const result = await postTransfer(store, spec, noWait);
    expect(result.walletBalances[WALLET]).toBe(800);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('returns the stored answer when the transfer record already exists (a concurrent duplicate won)', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None', 'None'));
    ddb
      .on(GetCommand, { Key: transferKey('xfer-1') })
      .resolvesOnce({})
      .resolves({
        Item: {
          postings: spec.postings,
          contentHash: transferContentHash(spec),
          result: JSON.stringify({ transferId: 'xfer-1', walletBalances: { [WALLET]: 800 } }),
        },
      });
    expect((await postTransfer(store, spec, noWait)).walletBalances[WALLET]).toBe(800);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('never retries a validation error: it is a defect and surfaces', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    ddb.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None', 'None'));
    await expect(postTransfer(store, spec, noWait)).rejects.toThrow(TransactionCanceledException);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('refuses an unbalanced transfer before touching DynamoDB', async () => {
    onWalletRead().resolves(walletRead(1000, 3));
    const unbalanced = {
      ...spec,
      postings: [spec.postings[0]!, { accountId: operatorPayable('bus-co'), amountFen: 199 }],
    };
    await expect(postTransfer(store, unbalanced, noWait)).rejects.toThrow(/does not balance/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
