import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { NotFoundError } from '../../shared/errors';
import { topupKey } from '../../shared/store/keys';
import { createTopup, getTopup, topupIdFor } from '../../shared/topups/topups';
import type { AppDeps } from '../deps';
import { idempotentOnRecord } from '../http/idempotency';
import type { Router } from '../http/router';
import { errorResponses, IdempotencyKeyHeader, jsonBody } from '../http/schemas';
import { TopupSchema } from './schemas';

const security = [{ citizen: [] }];
const toAnswer = (t: z.infer<typeof TopupSchema> & { cardId?: string }) => {
  const { cardId: _card, ...rest } = t;
  return rest;
};

/** Top-ups: the citizen opens one; the provider's webhook settles it. */
export function topupRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/me/topups',
      operationId: 'startTopup',
      tags: ['citizen'],
      security,
      middleware: [
        idempotentOnRecord(deps.store, deps.clock, (c, key) => topupKey(topupIdFor(c.get('citizen').citizenId, key))),
      ] as const,
      summary: 'Open a pending top-up; the payment provider’s webhook settles it',
      description:
        'amountFen is 1 to 500000. A top-up that would take the balance, with pending top-ups, over 500000 fen is refused 422 BALANCE_LIMIT.',
      request: {
        headers: IdempotencyKeyHeader,
        body: jsonBody(
          z.strictObject({
            amountFen: z.number().int().min(1).max(500_000).openapi({
              description:
                'Fen to add, 1 to 500000; the card may never hold more than 500000 with holds and pending top-ups',
            }),
          }),
        ),
      },
      responses: {
        201: { description: 'Pending', content: { 'application/json': { schema: TopupSchema } } },
        ...errorResponses(400, 401, 404, 409, 422, 503),
      },
    }),
    async (c) => {
      const { amountFen } = c.req.valid('json');
      const citizenId = c.get('citizen').citizenId;
      const card = await requireCard(deps.store, citizenId);
      const topup = await createTopup(deps.store, {
        topupId: topupIdFor(citizenId, c.get('idempotencyKey')),
        cardId: card.cardId,
        amountFen,
        maxBalanceFen: (await deps.city()).card.maxBalanceFen,
        now: deps.clock(),
        requestHash: c.get('idempotencyHash'),
        answerOf: (opened) => ({ status: 201, body: toAnswer(opened) }),
      });
      return c.json(toAnswer(topup), 201);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/topups/{topupId}',
      operationId: 'getMyTopup',
      tags: ['citizen'],
      security,
      summary: 'One top-up and where it stands',
      request: {
        params: z.object({ topupId: z.string().max(64).openapi({ description: 'From POST /v1/me/topups' }) }),
      },
      responses: {
        200: { description: 'The top-up', content: { 'application/json': { schema: TopupSchema } } },
        ...errorResponses(401, 404),
      },
    }),
    async (c) => {
      const card = await requireCard(deps.store, c.get('citizen').citizenId);
      const topup = await getTopup(deps.store, c.req.valid('param').topupId, deps.clock());
      if (!topup || topup.cardId !== card.cardId) throw new NotFoundError('Top-up');
      return c.json(toAnswer(topup), 200);
    },
  );
}
