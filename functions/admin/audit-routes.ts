import { createRoute, z } from '@hono/zod-openapi';
import { cardItem, toCard } from '../../shared/cards/cards';
import { NotFoundError } from '../../shared/errors';
import { statementPage } from '../../shared/ledger/statement';
import { attributes } from '../../shared/store/attributes';
import { recordedTap } from '../../shared/transit/taps';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, OPERATOR_SECURITY } from '../http/schemas';

const TapAudit = z
  .object({
    tapId: z.string(),
    terminalId: z.string(),
    cardId: z.string().nullable(),
    routeId: z.string(),
    stopId: z.string(),
    kind: z.string(),
    at: z.string(),
    result: z.record(z.string(), z.unknown()).openapi({ description: 'The answer the terminal got, as it got it' }),
  })
  .openapi('TapAudit');

const security = OPERATOR_SECURITY;

/** What support and dispute handling need: a tap as recorded, a card with its latest movements. */
export function auditRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/taps/{tapId}',
      operationId: 'getTap',
      tags: ['operator'],
      security,
      summary: 'A tap as recorded, accepted or declined, with the answer the terminal got',
      request: { params: z.object({ tapId: z.uuid().openapi({ description: 'The tap as the validator sent it' }) }) },
      responses: {
        200: { description: 'The tap', content: { 'application/json': { schema: TapAudit } } },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { tapId } = c.req.valid('param');
      const tap = await recordedTap(deps.store, tapId);
      if (!tap) throw new NotFoundError('Tap', { tapId });
      return c.json(tap, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/cards/{cardId}',
      operationId: 'lookUpCard',
      tags: ['operator'],
      security,
      summary: 'A card, its holder’s masked id and its latest 20 movements',
      request: { params: z.object({ cardId: z.string().max(64).openapi({ description: 'The card’s id' }) }) },
      responses: {
        200: {
          description: 'The card',
          content: {
            'application/json': {
              schema: z.object({
                card: z.record(z.string(), z.unknown()),
                frozenBy: z.enum(['citizen', 'operator']).nullable(),
                holderName: z.string(),
                residentIdMasked: z.string(),
                openedAt: z.string(),
                latest: z.array(z.record(z.string(), z.unknown())),
              }),
            },
          },
        },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const item = await cardItem(deps.store, c.req.valid('param').cardId);
      if (item?.kind !== 'wallet') throw new NotFoundError('Card');
      const { items } = await statementPage(deps.store, item.cardId, 20);
      return c.json(
        {
          card: toCard(item, deps.clock(), (await deps.city()).card),
          frozenBy: item.frozenBy ?? null,
          holderName: attributes(item, 'card').str('holderName'),
          residentIdMasked: attributes(item, 'card').str('residentIdMasked'),
          openedAt: attributes(item, 'card').str('openedAt'),
          latest: items,
        },
        200,
      );
    },
  );
}
