import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { operatorPayable } from '../../shared/ledger/accounts';
import { readWallet } from '../../shared/ledger/wallet-head';
import { entryKey, minuteBucketKey, minuteOf, transferKey } from '../../shared/store/keys';
import { useTestBackend } from '../support/backend';
import { adminAuth } from '../support/citizen';
import { body } from '../support/http';
import { postTap, registerTerminal, rider, tapBody } from '../support/rider';

const { app, backend } = useTestBackend();
const reconciliation = async () => body(await app.request('/v1/admin/reconciliation', { headers: adminAuth }));

describe('the full audit of the ledger (DuckDB over a local export, the SQL Athena runs in the cloud)', () => {
  it('finds a balanced ledger balanced, and names each account and transfer a seeded mismatch breaks', async () => {
    // Prepare: a citizen's top-up and ride.
    const r = await rider(app, { balanceFen: 1000 });
    const bus = await registerTerminal(app, ['B1']);
    await postTap(app, bus, await tapBody(r, bus, { routeId: 'B1', stopId: 'B1-S1', kind: 'board' }));
    const clean = await reconciliation();
    expect(clean).toMatchObject({ balanced: true, sumFen: 0, mismatches: [], unbalancedTransfers: [] });
    expect(clean.byKind).toMatchObject({ wallet: expect.any(Number), 'operator-payable': expect.any(Number) });
    expect(clean.transfers).toBeGreaterThanOrEqual(2);
    const started = await app.request('/v1/admin/reconciliation/audits', { method: 'POST', headers: adminAuth });
    expect([started.status, (await body(started)).status]).toEqual([201, 'done']);

    // Act: three defects written behind the ledger's back.
    const { store } = backend().deps;
    const wallet = (await readWallet(store, r.card.cardId))!;
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: { ...entryKey(r.card.cardId, wallet.version + 1), amountFen: 0, balanceAfterFen: wallet.balanceFen + 7 },
      }),
    );
    const minute = minuteOf(new Date());
    await store.doc.send(
      new UpdateCommand({
        TableName: store.tableName,
        Key: minuteBucketKey(operatorPayable('bus-co'), 0, minute),
        UpdateExpression: 'ADD balanceFen :x SET accountId = :id',
        ExpressionAttributeValues: { ':x': 3, ':id': operatorPayable('bus-co') },
      }),
    );
    await store.doc.send(
      new PutCommand({
        TableName: store.tableName,
        Item: {
          ...transferKey('forged'),
          postings: [
            { accountId: r.card.cardId, amountFen: 5 },
            { accountId: operatorPayable('bus-co'), amountFen: -4 },
          ],
        },
      }),
    );

    // Assess: the audit says the ledger is not balanced, and names what broke.
    const broken = await reconciliation();
    expect(broken.balanced).toBe(false);
    expect(broken.unbalancedTransfers).toEqual([{ transferId: 'forged', sumFen: 1 }]);
    const named = Object.fromEntries(broken.mismatches.map((m: { accountId: string }) => [m.accountId, m]));
    expect(named[r.card.cardId]).toMatchObject({ kind: 'wallet', brokenEntries: 1, ok: false });
    expect(named[operatorPayable('bus-co')]).toMatchObject({ kind: 'operator-payable', ok: false });
  });
});
