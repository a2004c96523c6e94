import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { adminRouters } from '../../../functions/admin/routers';
import { localConfig } from '../../../functions/config';
import type { AppDeps } from '../../../functions/deps';
import { createShell } from '../../../functions/http/shell';
import { operatorTransferId } from '../../../shared/ledger/corrections';
import { transferContentHash } from '../../../shared/ledger/transaction';
import { staticSecrets } from '../../../shared/secrets/secrets';
import { transferKey } from '../../../shared/store/keys';
import { body } from '../../support/http';
import { mockedStore } from '../../support/mock-store';
import { silentLogger } from '../../support/silent-logger';
import { onWalletQuery, walletQueryAnswer } from '../../support/wallet-read';

const { ddb, store } = mockedStore('faults');
const deps = {
  store,
  clock: () => new Date('2026-11-27T08:00:00+08:00'),
  logger: silentLogger,
  config: localConfig({ adminToken: 'op' }),
  secrets: staticSecrets({ topupWebhook: 's', residentIdPepper: 'p', loginKey: 'l', pseudonymKey: 'k' }),
} as unknown as AppDeps;
const app = createShell({ logger: silentLogger }, ...adminRouters(deps));

const CARD = 'card_faulty';
const KEY = 'fault-key-0001';
const adjust = () =>
  app.request('/v1/admin/adjustments', {
    method: 'POST',
    headers: { authorization: 'Bearer op', 'idempotency-key': KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ cardId: CARD, amountFen: 300, reason: 'validator fault' }),
  });

beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({}); // the idempotency claim
  ddb.on(UpdateCommand).resolves({}); // completing or releasing the claim
  onWalletQuery(ddb, CARD).resolves(walletQueryAnswer(CARD, 100, 7));
  ddb.on(GetCommand, { Key: transferKey(operatorTransferId('adj', KEY)) }).resolves({});
});

describe('what the client is told when DynamoDB fails', () => {
  it('503 RETRY_LATER with Retry-After when throttling outlasts the retries, and the key is freed for the retry', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    const res = await adjust();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await body(res)).error.code).toBe('RETRY_LATER');
    const release = ddb.commandCalls(UpdateCommand).at(-1)!.args[0].input;
    expect(release.UpdateExpression).toBe('SET lockedUntilMs = :zero');
  }, 20_000);

  it('201 with the first answer when the commit happened but its response was lost', async () => {
    const transferId = operatorTransferId('adj', KEY);
    const spec = {
      transferId,
      kind: 'adjustment' as const,
      at: deps.clock().toISOString(),
      description: 'Adjustment: validator fault',
      ref: transferId,
      postings: [
        { accountId: CARD, amountFen: 300 },
        { accountId: 'sys:adjustments', amountFen: -300 },
      ],
    };
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    ddb
      .on(GetCommand, { Key: transferKey(transferId) })
      .resolvesOnce({})
      .resolves({
        Item: {
          postings: spec.postings,
          contentHash: transferContentHash(spec),
          result: JSON.stringify({ transferId, walletBalances: { [CARD]: 400 } }),
        },
      });
    const res = await adjust();
    expect(res.status).toBe(201);
    expect(await body(res)).toEqual({ transferId, walletBalances: { [CARD]: 400 } });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });
});

describe('reads under throttling', () => {
  it('retries a throttled read inside the transfer, then answers', async () => {
    const card = walletQueryAnswer(CARD, 100, 7);
    onWalletQuery(ddb, CARD)
      .resolvesOnce(card) // the route's check that the card exists
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .resolves(card);
    ddb.on(TransactWriteCommand).resolves({});
    const res = await adjust();
    expect(res.status).toBe(201);
    expect((await body(res)).walletBalances[CARD]).toBe(400);
  });

  it('answers 503 RETRY_LATER, not 500, when a plain read stays throttled', async () => {
    onWalletQuery(ddb, CARD).rejects(
      new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }),
    );
    const res = await adjust();
    expect(res.status).toBe(503);
    expect((await body(res)).error.code).toBe('RETRY_LATER');
  });
});
