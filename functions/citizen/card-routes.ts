import { createRoute, z } from '@hono/zod-openapi';
import { CARD_STATUS_ACTIONS, openCard, requireCard, setCardStatus, toCard } from '../../shared/cards/cards';
import { residentIdProblem } from '../../shared/eligibility/resident-id';
import { ValidationError } from '../../shared/errors';
import { takeToken } from '../../shared/ratelimit/fixed-window';
import { rideMonthOf } from '../../shared/transit/ride-month';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, printableText } from '../http/schemas';
import { CardSchema } from './schemas';

const OpenCardBody = z
  .strictObject({
    name: printableText(1, 50).openapi({
      description: 'The holder’s name as on the resident id card, in any script (no control or format characters)',
      example: '韩梅梅',
    }),
    idNumber: z
      .string()
      .regex(/^\d{17}[\dX]$/, '17 digits and a check character (0-9 or X)')
      .openapi({
        description:
          'The 18-character resident id number (GB 11643): 6 region digits, the 8-digit birth date, 3 sequence digits and a check character (0-9 or X, ISO 7064 MOD 11-2 over the first 17). Must agree with birthDate. Kept only as a keyed hash and masked, never returned whole.',
        example: '445202199005171011',
      }),
    birthDate: z.iso.date().openapi({ description: 'YYYY-MM-DD, as in the id number; not in the future' }),
  })
  .superRefine((v, ctx) => {
    const problem = residentIdProblem(v.idNumber, v.birthDate);
    if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: problem });
  });

const json = { 'application/json': { schema: CardSchema } };
const security = [{ citizen: [] }];

const postCardRoute = createRoute({
  method: 'post',
  path: '/v1/me/card',
  operationId: 'openCard',
  tags: ['citizen'],
  security,
  summary: 'Open the card (idempotent per citizen: a repeat answers 201 with the same card)',
  description:
    'The card opens adult with identityVerified false, whatever the birth date: a concession (senior from the birth date, student, disabled) needs an in-person identity check at a service outlet or by an operator. One resident id number holds one card (409 ID_NUMBER_IN_USE; its real holder gets it released after an in-person check).',
  request: { body: jsonBody(OpenCardBody) },
  responses: { 201: { description: 'The card', content: json }, ...errorResponses(400, 401, 404, 409) },
});

const getCardRoute = createRoute({
  method: 'get',
  path: '/v1/me/card',
  operationId: 'getMyCard',
  tags: ['citizen'],
  security,
  summary: 'The card and its balance',
  responses: { 200: { description: 'The card', content: json }, ...errorResponses(401, 404, 422) },
});

/** The citizen's one card: open, read, freeze, unfreeze. */
export function cardRoutes(app: Router, deps: AppDeps) {
  app.openapi(postCardRoute, async (c) => {
    const body = c.req.valid('json');
    const now = deps.clock();
    if (body.birthDate > now.toISOString().slice(0, 10)) {
      throw new ValidationError([{ path: 'birthDate', message: 'lies in the future' }]);
    }
    const city = await deps.city();
    const { card } = await openCard(
      deps.store,
      { citizenId: c.get('citizen').citizenId, ...body },
      city,
      await deps.secrets.get('residentIdPepper'),
      now,
    );
    return c.json(toCard(card, now, city.card), 201);
  });
  app.openapi(getCardRoute, async (c) => {
    const card = await requireCard(deps.store, c.get('citizen').citizenId);
    const now = deps.clock();
    const rideMonth = rideMonthOf(card.transit, await deps.fares.at(now), now);
    return c.json({ ...toCard(card, now, (await deps.city()).card), rideMonth }, 200);
  });
  for (const [action, status] of CARD_STATUS_ACTIONS) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/me/card/${action}`,
        operationId: action === 'freeze' ? 'freezeMyCard' : 'unfreezeMyCard',
        tags: ['citizen'],
        security,
        summary:
          action === 'freeze'
            ? 'Freeze a lost phone’s card: taps and purchases are declined CARD_FROZEN; terminals learn it from the deny list'
            : 'Unfreeze: the card’s credentials work again (409 FROZEN_BY_OPERATOR when the hotline froze it)',
        responses: { 200: { description: 'The card', content: json }, ...errorResponses(401, 404, 409, 422, 429) },
      }),
      async (c) => {
        const { citizenId } = c.get('citizen');
        const card = await requireCard(deps.store, citizenId);
        const now = deps.clock();
        const perHour = deps.config.limits.cardStatusChangesPerHour;
        await takeToken(deps.store, `card-status:${citizenId}`, perHour, 3600, now);
        const after = await setCardStatus(deps.store, card.cardId, status, { by: 'citizen' }, now);
        return c.json(toCard(after, now, (await deps.city()).card), 200);
      },
    );
  }
}
