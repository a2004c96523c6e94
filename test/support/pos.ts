import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { adminAuth, jsonRequest } from './citizen';
import { body } from './http';
import { assertionFor, newKey, proofFor, seconds, type TestKey } from './jose-kit';
import type { Rider } from './rider';

type App = Pick<Hono, 'request'>;
export type Pos = { clientId: string; key: TestKey };

export async function registerPos(app: App, merchantId: string): Promise<Pos> {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest(
      'POST',
      { kind: 'merchant-pos', name: `${merchantId} till`, publicKeyJwk: key.publicJwk, scope: { merchantId } },
      adminAuth,
    ),
  );
  return { clientId: (await body(res)).clientId, key };
}

/** The body a POS sends for one purchase, with the phone's proof signing the amount. */
export async function purchaseBody(
  r: Pick<Rider, 'device' | 'credential'>,
  pos: Pos,
  amountFen: number,
  options: { amt?: number; paymentId?: string; points?: number; pts?: number; now?: Date } = {},
) {
  const challenge = randomUUID();
  const pts = options.pts ?? options.points;
  const proof = await proofFor(r.device, r.credential, {
    chl: challenge,
    tid: pos.clientId,
    iat: seconds(options.now ?? new Date()),
    amt: options.amt ?? amountFen,
    ...(pts === undefined ? {} : { pts }),
  });
  const paymentId = options.paymentId ?? randomUUID();
  return {
    paymentId,
    amountFen,
    challenge,
    credential: r.credential,
    proof,
    ...(options.points === undefined ? {} : { points: options.points }),
  };
}

export const asPos = async (pos: Pos, now = new Date()) => ({
  authorization: `Bearer ${await assertionFor(pos.clientId, pos.key, now)}`,
});

/** A POS session against one app: buy and refund answer status and body. */
export function till(app: App, clock: () => Date = () => new Date()) {
  return {
    buy: async (pos: Pos, b: object) => {
      const res = await app.request('/v1/merchant/payments', jsonRequest('POST', b, await asPos(pos, clock())));
      return { status: res.status, json: await body(res) };
    },
    refund: async (pos: Pos, paymentId: string, amountFen: number, refundId = randomUUID()) => {
      const res = await app.request(
        `/v1/merchant/payments/${paymentId}/refunds`,
        jsonRequest('POST', { refundId, amountFen }, await asPos(pos, clock())),
      );
      return { status: res.status, json: await body(res) };
    },
  };
}
