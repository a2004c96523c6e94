import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { adminAuth, citizenWithCard, jsonRequest } from './citizen';
import { body } from './http';
import { assertionFor, newKey, proofFor, seconds, type TestKey } from './jose-kit';

type App = Pick<Hono, 'request'>;

export interface Terminal {
  clientId: string;
  key: TestKey;
}

export async function registerTerminal(app: App, routeIds: string[]): Promise<Terminal> {
  const key = await newKey();
  const res = await app.request(
    '/v1/admin/clients',
    jsonRequest(
      'POST',
      {
        kind: 'transit-terminal',
        name: `validator ${routeIds.join('/')}`,
        publicKeyJwk: key.publicJwk,
        scope: { routeIds },
      },
      adminAuth,
    ),
  );
  return { key, clientId: (await body(res)).clientId };
}

/** A citizen with a card, a registered phone key and a credential for it. */
export async function rider(app: App, options: { balanceFen?: number; birthDate?: string; now?: Date } = {}) {
  const who = await citizenWithCard(app, options);
  const device = await newKey();
  const dev = await body(
    await app.request(
      '/v1/me/devices',
      jsonRequest('POST', { publicKeyJwk: device.publicJwk, name: 'phone' }, who.auth),
    ),
  );
  const cred = await body(
    await app.request('/v1/me/credentials', jsonRequest('POST', { deviceId: dev.deviceId }, who.auth)),
  );
  return { ...who, device, deviceId: dev.deviceId as string, credential: cred.credential as string };
}
export type Rider = Awaited<ReturnType<typeof rider>>;

/** The body a validator sends for one tap, with the phone's proof made for it. */
export async function tapBody(
  r: Pick<Rider, 'device' | 'credential'>,
  terminal: Terminal,
  tap: { routeId: string; stopId: string; kind: 'board' | 'entry' | 'exit'; at?: Date; tapId?: string },
  proofOverrides: Partial<Parameters<typeof proofFor>[2]> = {},
) {
  const at = tap.at ?? new Date();
  const challenge = randomUUID();
  const proof = await proofFor(r.device, r.credential, {
    chl: challenge,
    tid: terminal.clientId,
    iat: seconds(at),
    ...proofOverrides,
  });
  return {
    tapId: tap.tapId ?? randomUUID(),
    routeId: tap.routeId,
    stopId: tap.stopId,
    kind: tap.kind,
    at: at.toISOString(),
    challenge,
    credential: r.credential,
    proof,
  };
}

export async function postTap(
  app: App,
  terminal: Terminal,
  tap: unknown,
  { path = '/v1/transit/taps', now = new Date() } = {},
) {
  return app.request(
    path,
    jsonRequest('POST', tap, { authorization: `Bearer ${await assertionFor(terminal.clientId, terminal.key, now)}` }),
  );
}
