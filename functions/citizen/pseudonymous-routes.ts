import { createRoute, z } from '@hono/zod-openapi';
import { fareClassOf } from '../../shared/cards/cards';
import { issuePseudonymousCredentials, MAX_PSEUDONYMOUS_CREDENTIALS } from '../../shared/credentials/issue';
import { PSEUDONYM_SCOPE, requireCurrentFareDay } from '../../shared/credentials/pseudonyms';
import { normalizedPublicJwk } from '../../shared/devices/public-key';
import { fareDayStart } from '../../shared/time/shanghai';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { calendarDate, errorResponses, jsonBody, p256PublicJwk } from '../http/schemas';
import { pseudonymsFor } from '../presentation-deps';
import { credentialHolder } from './device-routes';

const OperatorKey = z.strictObject({
  scope: z.string().regex(PSEUDONYM_SCOPE).openapi({
    description:
      'The operator: op:<operatorId> for a transit operator’s validators, m:<merchantId> for a merchant’s tills, f:<facilityId> for a facility’s gates (a terminal’s config names its own)',
    example: 'op:bus-co',
  }),
  publicKeyJwk: p256PublicJwk(
    'A P-256 key the phone made for this operator and this fare day alone (never its registered device key, never another day’s): the credential binds it, and the phone signs its proofs with it',
  ),
});

const PseudonymousCredentials = z
  .object({
    fareDay: z.string(),
    validFrom: z
      .string()
      .openapi({ description: 'The fare day’s start: every credential of the day has the same times' }),
    expiresAt: z.string(),
    credentials: z.array(z.object({ scope: z.string(), credential: z.string() })),
  })
  .openapi('PseudonymousCredentials');

const route = createRoute({
  method: 'post',
  path: '/v1/me/pseudonymous-credentials',
  operationId: 'issuePseudonymousCredentials',
  tags: ['citizen'],
  security: [{ citizen: [] }],
  summary: 'Issue one fare day’s unlinkable credentials, one per operator (version 2, typ onecard-credential-v2+jwt)',
  description:
    'Each names the card by a pseudonym for that operator and day only (`sub`), binds a key the phone made for it (`cnf`), and carries the card and device sealed for the backend (`cid`); its times are the fare day’s. Terminals whose operator turned version 2 on accept it (docs/terminal-verification.md). For today’s fare day or the next: a phone fetches tomorrow’s before it goes offline. The same device checks as POST /v1/me/credentials.',
  request: {
    body: jsonBody(
      z.strictObject({
        deviceId: z.string().max(64).openapi({ description: 'The registered device asking (its card must be active)' }),
        fareDay: calendarDate().openapi({ description: 'Today’s fare day or the next (YYYY-MM-DD)' }),
        keys: z
          .array(OperatorKey)
          .min(1)
          .max(MAX_PSEUDONYMOUS_CREDENTIALS)
          .refine((keys) => new Set(keys.map((k) => k.scope)).size === keys.length, 'one key per operator')
          .refine((keys) => new Set(keys.map((k) => `${k.publicKeyJwk.x}:${k.publicKeyJwk.y}`)).size === keys.length, {
            message: 'a key per operator: the same key for two would let them compare',
          })
          .openapi({
            description: `One per operator, 1 to ${MAX_PSEUDONYMOUS_CREDENTIALS}, each with a key of its own`,
          }),
      }),
    ),
  },
  responses: {
    201: { description: 'The day’s credentials', content: { 'application/json': { schema: PseudonymousCredentials } } },
    ...errorResponses(400, 401, 404, 422),
  },
});

export function pseudonymousRoutes(app: Router, deps: AppDeps) {
  const pseudonyms = pseudonymsFor(deps.secrets);
  app.openapi(route, async (c) => {
    const body = c.req.valid('json');
    const { card, device } = await credentialHolder(deps, c.get('citizen').citizenId, body.deviceId);
    const now = deps.clock();
    const table = await deps.fares.at(now);
    requireCurrentFareDay(body.fareDay, now, table.fareDayStartHour);
    const city = await deps.city();
    const issued = await issuePseudonymousCredentials(await deps.keyRing.signer(), await pseudonyms(), {
      issuer: deps.config.issuer,
      cardId: card.cardId,
      deviceId: device.deviceId,
      fareClass: fareClassOf(card, now, city.card),
      offlineLimitFen: city.card.offlineLimitFen,
      fareDay: body.fareDay,
      dayStart: fareDayStart(body.fareDay, table.fareDayStartHour),
      keys: body.keys.map((k) => ({ scope: k.scope, publicJwk: normalizedPublicJwk(k.publicKeyJwk) })),
    });
    return c.json(issued, 201);
  });
}
