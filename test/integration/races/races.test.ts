import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { upsertBill } from '../../../shared/bills/bills';
import { payBill } from '../../../shared/bills/payments';
import { putRecord } from '../../../shared/eligibility/record-grants';
import { residentIdHash } from '../../../shared/eligibility/resident-id';
import { readWallet } from '../../../shared/ledger/wallet-head';
import type { Store } from '../../../shared/store/store';
import { useTestBackend } from '../../support/backend';
import { citizenWithCard, jsonRequest, login, residentId } from '../../support/citizen';
import { body } from '../../support/http';
import { newKey } from '../../support/jose-kit';

const { app, backend } = useTestBackend();

/** The store, with `before` run once just before the first transaction is sent: a write racing in between. */
function racing(store: Store, before: () => Promise<void>): Store {
  let raced = false;
  const send = store.doc.send.bind(store.doc) as (command: unknown) => Promise<unknown>;
  const doc = Object.create(store.doc) as Store['doc'];
  doc.send = (async (command: unknown) => {
    if (!raced && command instanceof TransactWriteCommand) {
      raced = true;
      await before();
    }
    return send(command);
  }) as Store['doc']['send'];
  return { doc, tableName: store.tableName };
}

describe('races the review found', () => {
  it('keeps the 5-device limit when 8 registrations arrive at once', async () => {
    const { auth } = await citizenWithCard(app);
    const keys = await Promise.all(Array.from({ length: 8 }, () => newKey()));
    const answers = await Promise.all(
      keys.map((k) =>
        app.request('/v1/me/devices', jsonRequest('POST', { publicKeyJwk: k.publicJwk, name: 'phone' }, auth)),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 201, 201, 422, 422, 422]);
    const listed = await body(await app.request('/v1/me/devices', { headers: auth }));
    expect(listed.items.filter((d: { status: string }) => d.status === 'active')).toHaveLength(5);
    // Revoking one makes room for exactly one more.
    await app.request(`/v1/me/devices/${listed.items[0].deviceId}`, { method: 'DELETE', headers: auth });
    const again = await Promise.all(
      keys
        .slice(0, 2)
        .map((k) =>
          app.request('/v1/me/devices', jsonRequest('POST', { publicKeyJwk: k.publicJwk, name: 'watch' }, auth)),
        ),
    );
    expect(again.map((a) => a.status).sort()).toEqual([201, 422]);
  });

  it('pays a bill on the terms it read: a re-upload in between makes it look again', async () => {
    const { store } = backend().deps;
    const { card } = await citizenWithCard(app, { balanceFen: 10_000 });
    const bill = {
      externalRef: 'W-2026-11-0042',
      accountNo: 'W-0042',
      period: '2026-11',
      amountDueFen: 4000,
      dueDate: '2026-12-31',
      allowPartial: false,
    };
    const { billId } = await upsertBill(store, 'water', bill, new Date());
    // The biller corrects the amount while the payment is between its read and its write.
    const raced = racing(store, async () => {
      expect((await upsertBill(store, 'water', { ...bill, amountDueFen: 5000 }, new Date())).outcome).toBe('updated');
    });
    await expect(
      payBill(raced, {
        paymentId: 'bpay_race',
        cardId: card.cardId,
        billId,
        amountFen: 4000,
        now: new Date(),
        requestHash: 'request-hash',
        answerOf: (payment) => ({ status: 201, body: payment }),
      }),
    ).rejects.toMatchObject({ code: 'PARTIAL_NOT_ALLOWED' });
  });

  it('takes a record’s grant off a card opened while the record moves away from its holder', async () => {
    const { store, secrets } = backend().deps;
    const pepper = await secrets.get('residentIdPepper');
    // Prepare: a student record naming a holder who has no card yet, and the card of the holder it moves to.
    const first = await login(app);
    const firstId = residentId('2009-01-02');
    const second = await citizenWithCard(app, { birthDate: '2009-03-04' });
    const record = (idNumber: string, updatedAt: string) => ({
      agencyId: 'agency-race',
      recordId: 'moving-record',
      residentIdHash: residentIdHash(idNumber, pepper),
      residentIdMasked: 'masked',
      birthDate: '2009-01-02',
      program: 'student' as const,
      group: 'none' as const,
      validFrom: '2026-09-01',
      validTo: null,
      status: 'active' as const,
      updatedAt,
    });
    await putRecord(store, record(firstId, '2026-11-01T00:00:00.000Z'));
    // Act: the first holder opens a card (which takes the record) between the move's reads and its write.
    let openedCardId = '';
    const raced = racing(store, async () => {
      const opened = await app.request(
        '/v1/me/card',
        jsonRequest(
          'POST',
          { name: 'Han Meimei', idNumber: firstId, birthDate: '2009-01-02' },
          { authorization: `Bearer ${first.token}` },
        ),
      );
      openedCardId = (await body(opened)).cardId;
      expect(Object.keys((await readWallet(store, openedCardId))?.grants ?? {})).toEqual(['student']);
    });
    await putRecord(raced, record(second.idNumber, '2026-11-02T00:00:00.000Z'));
    // Assess: the grant is on the card of the holder the record names now, and only there.
    expect((await readWallet(store, openedCardId))?.grants ?? {}).toEqual({});
    expect(Object.keys((await readWallet(store, second.card.cardId))?.grants ?? {})).toEqual(['student']);
  });
});
