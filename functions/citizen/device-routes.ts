import { createRoute, z } from '@hono/zod-openapi';
import { fareClassOf, requireCard } from '../../shared/cards/cards';
import { issueCredential } from '../../shared/credentials/issue';
import { type Device, devicesPage, getDevice, registerDevice, revokeDevice } from '../../shared/devices/devices';
import { normalizedPublicJwk } from '../../shared/devices/public-key';
import { NotFoundError, RefusedError } from '../../shared/errors';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, PageQuery, p256PublicJwk, printableText } from '../http/schemas';

const PublicJwk = p256PublicJwk(
  'The device’s P-256 public key as JWK (kty EC, crv P-256, x, y); the private key never leaves the phone',
);

const DeviceSchema = z
  .object({
    deviceId: z.string(),
    name: z.string(),
    status: z.enum(['active', 'revoked']),
    createdAt: z.string(),
    revokedAt: z.string().optional(),
  })
  .openapi('Device');

const CredentialSchema = z.object({ credential: z.string(), expiresAt: z.string() }).openapi('Credential');
const security = [{ citizen: [] }];
const toAnswer = ({ cardId: _c, publicKeyJwk: _k, ...d }: Device) => d;

const postDevicesRoute = createRoute({
  method: 'post',
  path: '/v1/me/devices',
  operationId: 'registerDevice',
  tags: ['citizen'],
  security,
  summary: 'Register a device’s public key (at most 5 active per card)',
  request: {
    body: jsonBody(
      z.strictObject({
        publicKeyJwk: PublicJwk,
        name: printableText(1, 64).openapi({ description: 'A name the holder recognises, e.g. “work phone”' }),
      }),
    ),
  },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: DeviceSchema } } },
    ...errorResponses(400, 401, 404, 422),
  },
});

const getDevicesRoute = createRoute({
  method: 'get',
  path: '/v1/me/devices',
  operationId: 'listMyDevices',
  tags: ['citizen'],
  security,
  summary: 'The card’s devices, newest first (revoked ones too)',
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'Devices',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(DeviceSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(401, 404, 422),
  },
});

const deleteDevicesRoute = createRoute({
  method: 'delete',
  path: '/v1/me/devices/{deviceId}',
  operationId: 'removeDevice',
  tags: ['citizen'],
  security,
  summary:
    'Revoke a device for good: its credentials are declined DEVICE_REVOKED, terminals learn it from the deny list',
  request: {
    params: z.object({
      deviceId: z.string().max(64).openapi({ description: 'The device to revoke (from GET /v1/me/devices)' }),
    }),
  },
  responses: {
    200: { description: 'Revoked', content: { 'application/json': { schema: DeviceSchema } } },
    ...errorResponses(401, 404),
  },
});

const postCredentialsRoute = createRoute({
  method: 'post',
  path: '/v1/me/credentials',
  operationId: 'issueCredential',
  tags: ['citizen'],
  security,
  summary: 'Issue the device-bound credential (ES256, typ onecard-credential+jwt, at most 24 h)',
  request: {
    body: jsonBody(
      z.strictObject({
        deviceId: z
          .string()
          .max(64)
          .openapi({ description: 'The registered device whose key the credential binds (cnf)' }),
      }),
    ),
  },
  responses: {
    201: { description: 'The credential', content: { 'application/json': { schema: CredentialSchema } } },
    ...errorResponses(400, 401, 404, 422),
  },
});

/** The caller's active card and one of its active devices: who a credential may be issued to. */
export async function credentialHolder(deps: AppDeps, citizenId: string, deviceId: string) {
  const card = await requireCard(deps.store, citizenId);
  const device = await getDevice(deps.store, deviceId);
  if (!device || device.cardId !== card.cardId) throw new NotFoundError('Device');
  if (device.status !== 'active') throw new RefusedError('DEVICE_REVOKED', 'This device was revoked');
  if (card.status !== 'active') throw new RefusedError('CARD_FROZEN', 'The card is frozen; unfreeze it first');
  return { card, device };
}

/** The phone becomes the card: register its key, get a credential bound to it, revoke it. */
export function deviceRoutes(app: Router, deps: AppDeps) {
  app.openapi(postDevicesRoute, async (c) => {
    const { publicKeyJwk, name } = c.req.valid('json');
    const card = await requireCard(deps.store, c.get('citizen').citizenId);
    const device = await registerDevice(deps.store, card.cardId, name, normalizedPublicJwk(publicKeyJwk), deps.clock());
    return c.json(toAnswer(device), 201);
  });
  app.openapi(getDevicesRoute, async (c) => {
    const card = await requireCard(deps.store, c.get('citizen').citizenId);
    const page = await devicesPage(deps.store, card.cardId, c.req.valid('query'));
    return c.json({ items: page.items.map(toAnswer), nextCursor: page.nextCursor }, 200);
  });
  app.openapi(deleteDevicesRoute, async (c) => {
    const card = await requireCard(deps.store, c.get('citizen').citizenId);
    return c.json(
      toAnswer(await revokeDevice(deps.store, card.cardId, c.req.valid('param').deviceId, deps.clock())),
      200,
    );
  });
  app.openapi(postCredentialsRoute, async (c) => {
    const { card, device } = await credentialHolder(deps, c.get('citizen').citizenId, c.req.valid('json').deviceId);
    const city = await deps.city();
    const now = deps.clock();
    const { credential, expiresAt } = await issueCredential(await deps.keyRing.signer(), {
      issuer: deps.config.issuer,
      cardId: card.cardId,
      deviceId: device.deviceId,
      devicePublicJwk: device.publicKeyJwk,
      fareClass: fareClassOf(card, now, city.card),
      offlineLimitFen: city.card.offlineLimitFen,
      now,
    });
    return c.json({ credential, expiresAt }, 201);
  });
}
