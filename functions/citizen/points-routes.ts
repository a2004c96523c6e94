import { createRoute, z } from '@hono/zod-openapi';
import { requireCard } from '../../shared/cards/cards';
import { presenterFor } from '../../shared/i18n/i18n';
import { pointsView } from '../../shared/points/view';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';
import { StatementEntrySchema } from './schemas';

const PointsSchema = z
  .object({
    balance: z.number().int().openapi({
      description: 'Alliance points on the card (1 point = 1 fen at any alliance merchant; never cash)',
      example: 127,
    }),
    spendable: z.number().int().openapi({ description: 'What a purchase may spend now: lapsed points excluded' }),
    lots: z
      .array(
        z.object({
          earnedMonth: z.string().openapi({ example: '2026-11' }),
          points: z.number().int(),
          lapsesOn: z.string().openapi({
            description: 'The day (Asia/Shanghai) this month’s points lapse: the first of the 13th month after',
            example: '2027-12-01',
          }),
        }),
      )
      .openapi({ description: 'What lapses when, oldest first (spent first, too)' }),
    items: z.array(StatementEntrySchema).openapi({
      description:
        'The points’ history, newest first: kind purchase (earned, spent), refund (given back, taken back), points-lapse, closure; amountFen and balanceAfterFen count points',
    }),
    nextCursor: z.string().nullable(),
  })
  .openapi('Points');

const getMyPointsRoute = createRoute({
  method: 'get',
  path: '/v1/me/points',
  operationId: 'getMyPoints',
  tags: ['citizen'],
  security: [{ citizen: [] }],
  summary: 'The card’s alliance points: balance, what lapses when, and their history',
  description:
    'Points are earned on what the card pays in money at alliance merchants (each merchant’s rate; the seed: 1 point a yuan), spent at any of them with the phone’s consent, and lapse 12 full months after the month they were earned in (as a ledger posting). A card that never earned any answers 0 and no lots.',
  request: { query: PageQuery },
  responses: {
    200: {
      description: 'The points, with a page of their history',
      content: { 'application/json': { schema: PointsSchema } },
    },
    ...errorResponses(400, 401, 404),
  },
});

export function pointsRoutes(app: Router, deps: AppDeps) {
  app.openapi(getMyPointsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const card = await requireCard(deps.store, c.get('citizen').citizenId);
    const view = await pointsView(deps.store, card.cardId, deps.clock(), { limit, cursor });
    const present = presenterFor(callerLanguage(c));
    return c.json({ ...view, items: view.items.map(present.entry) }, 200);
  });
}
