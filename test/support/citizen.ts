import { createHmac, randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { TEST_ADMIN_TOKEN, TEST_WEBHOOK_SECRET } from './backend';
import { body } from './http';

type App = Pick<Hono, 'request'>;

let phoneSeq = 0;
export const newPhone = () => `139${String(process.pid % 1000).padStart(3, '0')}${String(phoneSeq++).padStart(5, '0')}`;

/** A well-formed resident id number (GB 11643) for a birth date. */
let residentSeq = 100;
export function residentId(birthDate: string, area = '445202'): string {
  const seq = String(residentSeq++ % 1000).padStart(3, '0');
  const digits = area + birthDate.replaceAll('-', '') + seq;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...digits].reduce((acc, d, i) => acc + Number(d) * w[i]!, 0);
  return digits + '10X98765432'[sum % 11];
}

export function jsonRequest(method: string, bodyValue?: unknown, headers: Record<string, string> = {}) {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(bodyValue === undefined ? {} : { body: JSON.stringify(bodyValue) }),
  };
}

export async function login(app: App, phone = newPhone()) {
  const otp = await body(await app.request('/v1/auth/otp', jsonRequest('POST', { phone })));
  const tok = await body(await app.request('/v1/auth/token', jsonRequest('POST', { phone, code: otp.devCode })));
  if (!tok.accessToken) throw new Error(`login failed: ${JSON.stringify(tok)}`);
  return { phone, token: tok.accessToken as string, citizenId: tok.citizenId as string };
}

/** A logged-in citizen with an open card, optionally topped up through the signed webhook. */
export async function citizenWithCard(app: App, { balanceFen = 0, birthDate = '1990-05-17', now = new Date() } = {}) {
  const who = await login(app);
  const auth = { authorization: `Bearer ${who.token}` };
  const idNumber = residentId(birthDate);
  const res = await app.request('/v1/me/card', jsonRequest('POST', { name: 'Li Lei', idNumber, birthDate }, auth));
  const card = await body(res);
  if (res.status !== 201) throw new Error(`open card: ${res.status} ${JSON.stringify(card)}`);
  if (balanceFen > 0) await topUp(app, auth, balanceFen, now);
  return { ...who, auth, card, idNumber };
}

export function signWebhook(raw: string, t = Math.floor(Date.now() / 1000), secret = TEST_WEBHOOK_SECRET) {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex')}`;
}

export async function deliverWebhook(
  app: App,
  event: Record<string, unknown>,
  t?: number,
  path: '/v1/webhooks/topups' | '/v1/webhooks/refunds' = '/v1/webhooks/topups',
) {
  const raw = JSON.stringify(event);
  return app.request(path, {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', 'onecard-signature': signWebhook(raw, t) },
  });
}

export async function topUp(app: App, auth: Record<string, string>, amountFen: number, now = new Date()) {
  const res = await app.request(
    '/v1/me/topups',
    jsonRequest('POST', { amountFen }, { ...auth, 'idempotency-key': randomUUID() }),
  );
  const topup = await body(res);
  if (res.status !== 201) throw new Error(`topup: ${res.status} ${JSON.stringify(topup)}`);
  const settled = await deliverWebhook(
    app,
    { topupId: topup.topupId, status: 'succeeded', amountFen, providerRef: 'test' },
    Math.floor(now.getTime() / 1000),
  );
  if (settled.status !== 200) throw new Error(`webhook: ${settled.status} ${await settled.text()}`);
  return topup.topupId as string;
}

export const adminAuth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
