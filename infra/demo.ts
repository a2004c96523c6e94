/**
 * `npm run demo`: a fresh in-memory stack (or the one at ONECARD_URL, with ONECARD_ADMIN_TOKEN and
 * ONECARD_TOPUP_WEBHOOK_SECRET), walked through every flow in plain words with the money after each
 * step: the phone, the payment provider, validators, a POS, a gate, a counter, an agency and the
 * operator are all played here, signing with jose as a phone or terminal would.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { createHash, createHmac, randomUUID, type webcrypto } from 'node:crypto';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { CompactSign, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { createLogger } from '../shared/log/logger';
import { startLocalBackend } from './local-backend';

// biome-ignore lint/suspicious/noExplicitAny: the demo reads answers loosely, as a person would
type Json = Record<string, any>;
type Key = { privateKey: webcrypto.CryptoKey; publicJwk: JWK };

const ADMIN = process.env.ONECARD_ADMIN_TOKEN ?? `demo-${randomUUID()}`;
const WEBHOOK = process.env.ONECARD_TOPUP_WEBHOOK_SECRET ?? `demo-${randomUUID()}`;
let base = process.env.ONECARD_URL || undefined;
let stop = async () => {};

if (!base) {
  const backend = await startLocalBackend({
    dataDir: ':memory:',
    seedsDir: resolve(import.meta.dirname, '../seeds'),
    adminToken: ADMIN,
    topupWebhookSecret: WEBHOOK,
    logger: createLogger('demo', 'silent'),
  });
  const server = await new Promise<ReturnType<typeof serve>>((ok) => {
    const s = serve({ fetch: backend.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      base = `http://127.0.0.1:${info.port}`;
      ok(s);
    });
  });
  stop = async () => {
    server.close();
    await backend.stop();
  };
}

const say = (line: string) => console.log(line);
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = (await res.json()) as Json;
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json.error ?? json)}`);
  return json;
}
const admin = { authorization: `Bearer ${ADMIN}` };
const once = () => ({ 'idempotency-key': randomUUID() });

async function newKey(): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { privateKey: privateKey as webcrypto.CryptoKey, publicJwk: { kty, crv, x, y } };
}

/** A machine client (validator, POS, gate, counter, agency): registered by the operator, asserting itself per request. */
async function machine(kind: string, name: string, scope: object) {
  const key = await newKey();
  const { clientId } = await call(
    'POST',
    '/v1/admin/clients',
    { kind, name, publicKeyJwk: key.publicJwk, scope },
    admin,
  );
  const auth = async () => {
    const now = Math.floor(Date.now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience('onecard')
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { authorization: `Bearer ${assertion}` };
  };
  return { clientId, auth };
}

/** The phone's proof for one presentation to a machine client. */
async function present(phone: Key, credential: string, clientId: string, amountFen?: number) {
  const challenge = randomUUID();
  // ath: base64url(SHA-256(credential)), as the phone computes it.
  const ath = createHash('sha256').update(credential).digest('base64url');
  const proof = await new CompactSign(
    new TextEncoder().encode(
      JSON.stringify({
        ath,
        chl: challenge,
        tid: clientId,
        iat: Math.floor(Date.now() / 1000),
        jti: randomUUID(),
        ...(amountFen === undefined ? {} : { amt: amountFen }),
      }),
    ),
  )
    .setProtectedHeader({ alg: 'ES256', typ: 'onecard-proof+jwt' })
    .sign(phone.privateKey);
  return { challenge, credential, proof };
}

/** A resident id number (GB 11643) for a birth date, with its check character. */
function residentId(birthDate: string, seq: number) {
  const digits = `445202${birthDate.replaceAll('-', '')}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  return digits + '10X98765432'[[...digits].reduce((a, d, i) => a + Number(d) * w[i]!, 0) % 11];
}

async function citizen(phone: string, name: string, birthDate: string, seq: number) {
  const { devCode } = await call('POST', '/v1/auth/otp', { phone });
  const { accessToken } = await call('POST', '/v1/auth/token', { phone, code: devCode });
  const auth = { authorization: `Bearer ${accessToken}` };
  const idNumber = residentId(birthDate, seq);
  const card = await call('POST', '/v1/me/card', { name, idNumber, birthDate }, auth);
  const key = await newKey();
  const { deviceId } = await call('POST', '/v1/me/devices', { publicKeyJwk: key.publicJwk, name: 'phone' }, auth);
  const { credential } = await call('POST', '/v1/me/credentials', { deviceId }, auth);
  return { auth, card, key, credential, idNumber };
}

const money = async (who: { auth: Record<string, string> }) => {
  const card = await call('GET', '/v1/me/card', undefined, who.auth);
  return `balance ${card.balanceFen} fen${card.heldFen ? `, ${card.heldFen} held` : ''} (${card.fareClass})`;
};

try {
  say(`OneCard demo against ${base}\n`);
  const li = await citizen('13912345678', 'Li Lei', '1990-05-17', 101);
  say(`1. Li Lei logs in with an SMS code and opens card ${li.card.cardNumber}: ${await money(li)}`);

  const { topupId } = await call('POST', '/v1/me/topups', { amountFen: 10_000 }, { ...li.auth, ...once() });
  const event = JSON.stringify({ topupId, status: 'succeeded', amountFen: 10_000, providerRef: 'demo-bank' });
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${createHmac('sha256', WEBHOOK).update(`${t}.${event}`).digest('hex')}`;
  await call('POST', '/v1/webhooks/topups', event, {
    'content-type': 'application/json',
    'onecard-signature': signature,
  });
  say(`2. She tops up 100 yuan; the bank confirms through the signed webhook: ${await money(li)}`);
  say('3. Her phone registered its own key and holds a credential valid for 24 hours');

  const b1 = await machine('transit-terminal', 'bus B1 validator', { routeIds: ['B1'] });
  const b2 = await machine('transit-terminal', 'bus B2 validator', { routeIds: ['B2'] });
  const z1 = await machine('transit-terminal', 'Z1 gates', { routeIds: ['Z1'] });
  const tap = async (m: typeof b1, routeId: string, stopId: string, kind: string) =>
    call(
      'POST',
      '/v1/transit/taps',
      {
        tapId: randomUUID(),
        routeId,
        stopId,
        kind,
        at: new Date().toISOString(),
        ...(await present(li.key, li.credential, m.clientId)),
      },
      await m.auth(),
    );
  const ride1 = await tap(b1, 'B1', 'B1-S1', 'board');
  say(`4. She rides bus B1: ${ride1.fareFen} fen: ${await money(li)}`);
  const ride2 = await tap(b2, 'B2', 'B2-S1', 'board');
  say(
    `5. She changes to B2 within the hour: ${ride2.fareFen} fen (${ride2.explanation.map((r: Json) => r.rule).join(', ')}): ${await money(li)}`,
  );
  const entry = await tap(z1, 'Z1', 'Z1-S1', 'entry');
  say(`6. Zone line Z1: the entry holds ${entry.fareFen} fen: ${await money(li)}`);
  const exit = await tap(z1, 'Z1', 'Z1-S5', 'exit');
  say(`   the exit at zone 3 makes the journey ${exit.fareFen} fen and gives back the rest: ${await money(li)}`);

  const bill = (await call('GET', '/v1/me/bills?billerId=water&accountNo=W-0001', undefined, li.auth)).items[0];
  await call(
    'POST',
    '/v1/me/bill-payments',
    { billId: bill.billId, amountFen: bill.amountDueFen },
    { ...li.auth, ...once() },
  );
  say(`7. She pays the water bill W-0001 (${bill.amountDueFen} fen) from the card: ${await money(li)}`);

  const pos = await machine('merchant-pos', 'teahouse till', { merchantId: 'm-tea' });
  const tea = await call(
    'POST',
    '/v1/merchant/payments',
    { paymentId: randomUUID(), amountFen: 2500, ...(await present(li.key, li.credential, pos.clientId, 2500)) },
    await pos.auth(),
  );
  say(
    `8. She buys tea for 2500 fen at an alliance teahouse: ${tea.discountFen} off from campaign ${tea.campaignId}, charged ${tea.chargedFen}: ${await money(li)}`,
  );

  const park = await machine('facility-gate', 'park east gate', { facilityId: 'f-park' });
  const visit = await call(
    'POST',
    '/v1/facilities/visits',
    {
      visitId: randomUUID(),
      facilityId: 'f-park',
      kind: 'enter',
      at: new Date().toISOString(),
      ...(await present(li.key, li.credential, park.clientId)),
    },
    await park.auth(),
  );
  say(`9. She enters the city park: ${visit.feeFen} fen: ${await money(li)}`);

  const counter = await machine('service-outlet', 'station counter 1', { outletId: 'o-station' });
  await call(
    'POST',
    '/v1/outlet/topups',
    { topupId: randomUUID(), amountFen: 2000, ...(await present(li.key, li.credential, counter.clientId)) },
    await counter.auth(),
  );
  say(`10. At the station service hall she tops up 20 yuan in cash: ${await money(li)}`);

  const wang = await citizen('13987654321', 'Old Wang', '1944-03-08', 102);
  say(`11. Old Wang (82) opens a card: ${await money(wang)}, identity not yet verified`);
  const check = await call(
    'POST',
    '/v1/outlet/identity-checks',
    { checkId: randomUUID(), idNumber: wang.idNumber, ...(await present(wang.key, wang.credential, counter.clientId)) },
    await counter.auth(),
  );
  say(`12. The counter checks his resident id card in person: verified, class ${check.fareClass}`);
  const civil = await machine('agency', 'civil affairs bureau', { programs: ['senior-allowance'] });
  await call(
    'PUT',
    '/v1/agency/eligibility',
    {
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
    await civil.auth(),
  );
  await call('POST', '/v1/admin/benefit-funding', { amountFen: 1_000_000 }, { ...admin, ...once() });
  const month = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7);
  const allowance = await call('POST', '/v1/admin/allowance-runs', { month }, { ...admin, ...once() });
  say(
    `13. Civil affairs vouches for him (dibao); the ${month} allowance run pays ${allowance.paidCount} card(s): ${await money(wang)}`,
  );

  const run = await call(
    'POST',
    '/v1/admin/settlement-runs',
    { cutoff: new Date().toISOString() },
    { ...admin, ...once() },
  );
  say(`14. Settlement pays ${run.lines.length} payees ${run.payoutFen} fen:`);
  for (const l of run.lines)
    say(
      `    ${l.payeeKind} ${l.payeeId}: sales ${l.salesFen}, refunds ${l.refundsFen}, fee ${l.feeFen}, paid ${l.payoutFen}`,
    );
  const ledger = await call('GET', '/v1/admin/reconciliation', undefined, admin);
  say(`15. The ledger balances: ${ledger.balanced} (sum ${ledger.sumFen} fen over ${ledger.accounts} accounts)`);
  if (!ledger.balanced) throw new Error('the ledger does not balance');
  say('\ndemo finished');
} catch (err) {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await stop();
}
