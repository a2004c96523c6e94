/**
 * `npm run demo`: a fresh in-memory stack (or the one at ONECARD_URL, with ONECARD_ADMIN_TOKEN and
 * ONECARD_TOPUP_WEBHOOK_SECRET), walked through every flow in plain words with the money after each
 * step: the phone, the payment provider, validators, a POS, a gate, a counter, an agency and the
 * operator are all played here through the typed client (infra/client), signing as they would.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { randomUUID } from 'node:crypto';
import {
  type Machine,
  machineHeaders,
  once,
  registerMachine,
  registerPhone,
  settleRefund,
  signIn,
  topUp,
} from './client/actors';
import { bearer, type OneCardClient, ok, oneCardClient } from './client/client';
import { present, residentIdNumber } from './client/signing';
import { startServedStack } from './served-stack';

const ADMIN = process.env.ONECARD_ADMIN_TOKEN ?? `demo-${randomUUID()}`;
const WEBHOOK = process.env.ONECARD_TOPUP_WEBHOOK_SECRET ?? `demo-${randomUUID()}`;
const stack = await startServedStack(process.env.ONECARD_URL || undefined, {
  adminToken: ADMIN,
  topupWebhookSecret: WEBHOOK,
});
const api: OneCardClient = oneCardClient(stack.baseUrl);
const admin = bearer(ADMIN);
const say = (line: string) => console.log(line);
const now = () => new Date().toISOString();

type Citizen = Awaited<ReturnType<typeof citizen>>;

async function citizen(phone: string, name: string, birthDate: string, seq: number) {
  const accessToken = await signIn(api, phone);
  const auth = bearer(accessToken);
  const idNumber = residentIdNumber(birthDate, seq);
  const card = await ok(api.POST('/v1/me/card', { body: { name, idNumber, birthDate }, headers: auth }));
  const phoneKeys = await registerPhone(api, accessToken);
  return { accessToken, auth, card, idNumber, ...phoneKeys };
}

const money = async (who: Citizen) => {
  const card = await ok(api.GET('/v1/me/card', { headers: who.auth }));
  return `balance ${card.balanceFen} fen${card.heldFen ? `, ${card.heldFen} held` : ''} (${card.fareClass})`;
};

const machine = (registration: Parameters<typeof registerMachine>[2]) => registerMachine(api, ADMIN, registration);

try {
  say(`OneCard demo against ${stack.baseUrl}\n`);
  const li = await citizen('13912345678', 'Li Lei', '1990-05-17', 101);
  say(`1. Li Lei logs in with an SMS code and opens card ${li.card.cardNumber}: ${await money(li)}`);

  await topUp(api, li.accessToken, 10_000, WEBHOOK);
  say(`2. She tops up 100 yuan; the bank confirms through the signed webhook: ${await money(li)}`);
  say('3. Her phone registered its own key and holds a credential valid for 24 hours');

  const b1 = await machine({ kind: 'transit-terminal', name: 'bus B1 validator', scope: { routeIds: ['B1'] } });
  const b2 = await machine({ kind: 'transit-terminal', name: 'bus B2 validator', scope: { routeIds: ['B2'] } });
  const z1 = await machine({ kind: 'transit-terminal', name: 'Z1 gates', scope: { routeIds: ['Z1'] } });
  const tap = async (m: Machine, routeId: string, stopId: string, kind: 'board' | 'entry' | 'exit') =>
    ok(
      api.POST('/v1/transit/taps', {
        body: {
          tapId: randomUUID(),
          routeId,
          stopId,
          kind,
          at: now(),
          ...(await present(li.keys, li.credential, { clientId: m.clientId })),
        },
        headers: await machineHeaders(m),
      }),
    );
  const ride1 = await tap(b1, 'B1', 'B1-S1', 'board');
  say(`4. She rides bus B1: ${ride1.fareFen} fen: ${await money(li)}`);
  const ride2 = await tap(b2, 'B2', 'B2-S1', 'board');
  say(
    `5. She changes to B2 within the hour: ${ride2.fareFen} fen (${ride2.explanation.map((r) => r.rule).join(', ')}): ${await money(li)}`,
  );
  const entry = await tap(z1, 'Z1', 'Z1-S1', 'entry');
  say(`6. Zone line Z1: the entry holds ${entry.fareFen} fen: ${await money(li)}`);
  const exit = await tap(z1, 'Z1', 'Z1-S5', 'exit');
  say(`   the exit at zone 3 makes the journey ${exit.fareFen} fen and gives back the rest: ${await money(li)}`);

  const bills = await ok(
    api.GET('/v1/me/bills', { params: { query: { billerId: 'water', accountNo: 'W-0001' } }, headers: li.auth }),
  );
  const bill = bills.items[0]!;
  await ok(
    api.POST('/v1/me/bill-payments', {
      body: { billId: bill.billId, amountFen: bill.amountDueFen },
      params: { header: once() },
      headers: li.auth,
    }),
  );
  say(`7. She pays the water bill W-0001 (${bill.amountDueFen} fen) from the card: ${await money(li)}`);

  const pos = await machine({ kind: 'merchant-pos', name: 'teahouse till', scope: { merchantId: 'm-tea' } });
  const tea = await ok(
    api.POST('/v1/merchant/payments', {
      body: {
        paymentId: randomUUID(),
        amountFen: 2500,
        ...(await present(li.keys, li.credential, { clientId: pos.clientId, amountFen: 2500 })),
      },
      headers: await machineHeaders(pos),
    }),
  );
  say(
    `8. She buys tea for 2500 fen at an alliance teahouse: ${tea.discountFen} off from campaign ${tea.campaignId}, charged ${tea.chargedFen}: ${await money(li)}`,
  );

  const books = await machine({ kind: 'merchant-pos', name: 'bookshop till', scope: { merchantId: 'm-books' } });
  const earned = await ok(api.GET('/v1/me/points', { headers: li.auth }));
  const book = await ok(
    api.POST('/v1/merchant/payments', {
      body: {
        paymentId: randomUUID(),
        amountFen: 1000,
        points: earned.balance,
        ...(await present(li.keys, li.credential, {
          clientId: books.clientId,
          amountFen: 1000,
          points: earned.balance,
        })),
      },
      headers: await machineHeaders(books),
    }),
  );
  say(
    `   it earned her ${tea.pointsEarned} alliance points; at the bookshop she pays ${book.pointsSpent} fen of a 1000 fen book with them (her phone consents), ${book.chargedFen} from the card: ${await money(li)}`,
  );

  const park = await machine({ kind: 'facility-gate', name: 'park east gate', scope: { facilityId: 'f-park' } });
  const visit = await ok(
    api.POST('/v1/facilities/visits', {
      body: {
        visitId: randomUUID(),
        facilityId: 'f-park',
        kind: 'enter',
        at: now(),
        ...(await present(li.keys, li.credential, { clientId: park.clientId })),
      },
      headers: await machineHeaders(park),
    }),
  );
  say(`9. She enters the city park: ${visit.feeFen} fen: ${await money(li)}`);

  const counter = await machine({
    kind: 'service-outlet',
    name: 'station counter 1',
    scope: { outletId: 'o-station' },
  });
  await ok(
    api.POST('/v1/outlet/topups', {
      body: {
        topupId: randomUUID(),
        amountFen: 2000,
        ...(await present(li.keys, li.credential, { clientId: counter.clientId })),
      },
      headers: await machineHeaders(counter),
    }),
  );
  say(`10. At the station service hall she tops up 20 yuan in cash: ${await money(li)}`);

  const wang = await citizen('13987654321', 'Old Wang', '1944-03-08', 102);
  say(`11. Old Wang (82) opens a card: ${await money(wang)}, identity not yet verified`);
  const check = await ok(
    api.POST('/v1/outlet/identity-checks', {
      body: {
        checkId: randomUUID(),
        idNumber: wang.idNumber,
        ...(await present(wang.keys, wang.credential, { clientId: counter.clientId })),
      },
      headers: await machineHeaders(counter),
    }),
  );
  say(`12. The counter checks his resident id card in person: verified, class ${check.fareClass}`);
  const civil = await machine({
    kind: 'agency',
    name: 'civil affairs bureau',
    scope: { programs: ['senior-allowance'] },
  });
  await ok(
    api.PUT('/v1/agency/eligibility', {
      body: {
        records: [
          {
            recordId: 'ca-wang',
            idNumber: wang.idNumber,
            program: 'senior-allowance',
            group: 'dibao',
            validFrom: '2026-01-01',
            validTo: null,
            status: 'active',
          },
        ],
      },
      headers: await machineHeaders(civil),
    }),
  );
  await ok(
    api.POST('/v1/admin/benefit-funding', {
      body: { amountFen: 1_000_000 },
      params: { header: once() },
      headers: admin,
    }),
  );
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const allowance = await ok(
    api.POST('/v1/admin/allowance-runs', { body: { month }, params: { header: once() }, headers: admin }),
  );
  say(
    `13. Civil affairs vouches for him (dibao); the ${month} allowance run pays ${allowance.paidCount} card(s): ${await money(wang)}`,
  );

  const zhao = await citizen('13911112222', 'Zhao Min', '1988-11-02', 103);
  await topUp(api, zhao.accessToken, 3000, WEBHOOK);
  const closed = await ok(
    api.POST('/v1/me/card/closure', {
      body: { idNumber: zhao.idNumber },
      params: { header: once() },
      headers: zhao.auth,
    }),
  );
  for (const r of closed.refunds) await settleRefund(api, { ...r, status: 'succeeded' }, WEBHOOK);
  say(
    `13b. Zhao Min leaves the city: she closes her card in the app, and ${closed.refundedFen} fen goes back to her bank as ${closed.refunds.length} refund(s) of her top-ups, which the bank confirms: ${await money(zhao)}`,
  );

  const run = await ok(
    api.POST('/v1/admin/settlement-runs', { body: { cutoff: now() }, params: { header: once() }, headers: admin }),
  );
  say(`14. Settlement pays ${run.lines.length} payees ${run.payoutFen} fen:`);
  for (const l of run.lines)
    say(
      `    ${l.payeeKind} ${l.payeeId}: sales ${l.salesFen}, refunds ${l.refundsFen}, points funded ${l.pointsFundedFen}, fee ${l.feeFen}, paid ${l.payoutFen}`,
    );
  const ledger = await ok(api.GET('/v1/admin/reconciliation', { headers: admin }));
  say(`15. The ledger balances: ${ledger.balanced} (sum ${ledger.sumFen} fen over ${ledger.accounts} accounts)`);
  if (!ledger.balanced) throw new Error('the ledger does not balance');
  say('\ndemo finished');
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await stack.stop();
}
