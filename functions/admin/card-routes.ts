import { createRoute, z } from '@hono/zod-openapi';
import {
  CARD_STATUS_ACTIONS,
  type CardItem,
  releaseResidentId,
  setCardStatus,
  toCard,
  verifyIdentity,
} from '../../shared/cards/cards';
import { adminRevokeDevice } from '../../shared/devices/devices';
import { residentIdProblem } from '../../shared/eligibility/resident-id';
import { CardSchema } from '../citizen/schemas';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import {
  errorResponses,
  jsonBody,
  OPERATOR_SECURITY,
  OperatorReason,
  optionalJsonBody,
  printableText,
} from '../http/schemas';

const security = OPERATOR_SECURITY;
const CardParams = z.object({ cardId: z.string().min(1).max(64).openapi({ description: 'The card’s id' }) });
const cardJson = { 'application/json': { schema: CardSchema } };

const postCardsIdentityVerificationRoute = createRoute({
  method: 'post',
  path: '/v1/admin/cards/{cardId}/identity-verification',
  operationId: 'verifyIdentity',
  tags: ['operator'],
  security,
  summary: 'Record an in-person identity check of the card holder',
  description:
    'The holder showed their resident id card to an operator. From then on concessions apply: senior from the birth date by itself, student and disabled when granted. A repeat changes nothing.',
  request: {
    params: CardParams,
    body: jsonBody(
      z.strictObject({
        reference: printableText(1, 100).openapi({
          description: 'The operator’s record of the check (ticket or form number)',
        }),
      }),
    ),
  },
  responses: { 200: { description: 'The card', content: cardJson }, ...errorResponses(400, 401, 403, 404) },
});

const postResidentIdsReleaseRoute = createRoute({
  method: 'post',
  path: '/v1/admin/resident-ids/release',
  operationId: 'releaseResidentId',
  tags: ['operator'],
  security,
  summary: 'Give a resident id number back to its real holder',
  description:
    'When someone opened a card with another person’s id number, the real holder gets 409 ID_NUMBER_IN_USE. After checking the real holder in person, an operator releases the number: the other card is frozen by the operator and loses it, and the real holder opens their own card. A card whose holder was verified in person keeps its number (409).',
  request: {
    body: jsonBody(
      z
        .strictObject({
          idNumber: z.string().length(18).openapi({ description: 'Read from the id card shown in person' }),
          birthDate: z.iso.date().openapi({ description: 'YYYY-MM-DD, as in the id number' }),
          reason: OperatorReason,
        })
        .superRefine((v, ctx) => {
          const problem = residentIdProblem(v.idNumber, v.birthDate);
          if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: problem });
        }),
    ),
  },
  responses: {
    200: {
      description: 'Released: the card that held it, now frozen',
      content: { 'application/json': { schema: z.object({ releasedFromCardId: z.string() }) } },
    },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const postDevicesRevokeRoute = createRoute({
  method: 'post',
  path: '/v1/admin/devices/{deviceId}/revoke',
  operationId: 'revokeDevice',
  tags: ['operator'],
  security,
  summary: 'Revoke a device for good (a stolen phone): its credentials are refused and it joins the deny list',
  request: {
    params: z.object({ deviceId: z.string().min(1).max(64).openapi({ description: 'The device to revoke' }) }),
    body: optionalJsonBody(z.strictObject({ reason: OperatorReason })),
  },
  responses: {
    200: {
      description: 'Revoked',
      content: {
        'application/json': {
          schema: z.object({ deviceId: z.string(), cardId: z.string(), status: z.enum(['active', 'revoked']) }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** The operator's card actions: the hotline's freeze, in-person identity checks, an id number given back, a device revoked. */
export function operatorCardRoutes(app: Router, deps: AppDeps) {
  const view = async (item: CardItem) => toCard(item, deps.clock(), (await deps.city()).card);

  for (const [action, status] of CARD_STATUS_ACTIONS) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/admin/cards/{cardId}/${action}`,
        operationId: action === 'freeze' ? 'freezeCard' : 'unfreezeCard',
        tags: ['operator'],
        security,
        summary:
          action === 'freeze'
            ? 'Freeze a card for a citizen who lost phone and SIM (the hotline): onto the deny list at once; only an operator lifts it'
            : 'Unfreeze a card, whoever froze it',
        request: { params: CardParams, body: optionalJsonBody(z.strictObject({ reason: OperatorReason })) },
        responses: { 200: { description: 'The card', content: cardJson }, ...errorResponses(400, 401, 403, 404) },
      }),
      async (c) => {
        const { cardId } = c.req.valid('param');
        const reason = (c.req.valid('json') as { reason?: string } | undefined)?.reason ?? `hotline ${action}`;
        const actor = { by: 'operator' as const, principal: c.get('operator').principal, reason };
        return c.json(await view(await setCardStatus(deps.store, cardId, status, actor, deps.clock())), 200);
      },
    );
  }

  app.openapi(postCardsIdentityVerificationRoute, async (c) => {
    const { cardId } = c.req.valid('param');
    const { reference } = c.req.valid('json');
    const card = await verifyIdentity(
      deps.store,
      cardId,
      { verifiedBy: c.get('operator').principal, reference },
      await deps.secrets.get('residentIdPepper'),
      deps.clock(),
    );
    return c.json(await view(card), 200);
  });

  app.openapi(postResidentIdsReleaseRoute, async (c) => {
    const { idNumber, reason } = c.req.valid('json');
    const actor = { by: 'operator' as const, principal: c.get('operator').principal, reason };
    const { cardId } = await releaseResidentId(
      deps.store,
      idNumber,
      actor,
      await deps.secrets.get('residentIdPepper'),
      deps.clock(),
    );
    return c.json({ releasedFromCardId: cardId }, 200);
  });

  app.openapi(postDevicesRevokeRoute, async (c) => {
    const device = await adminRevokeDevice(deps.store, c.req.valid('param').deviceId, deps.clock());
    return c.json({ deviceId: device.deviceId, cardId: device.cardId, status: device.status }, 200);
  });
}
