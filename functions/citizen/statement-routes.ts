import { createRoute, z } from '@hono/zod-openapi';
import { ownCardId } from '../../shared/cards/cards';
import { presenterFor } from '../../shared/i18n/i18n';
import { CARD_ID } from '../../shared/ledger/accounts';
import { statementPage } from '../../shared/ledger/statement';
import type { AppDeps } from '../deps';
import { callerLanguage } from '../http/language';
import type { Router } from '../http/router';
import { errorResponses, PageQuery } from '../http/schemas';
import { StatementEntrySchema } from './schemas';

const StatementPage = z
  .object({ items: z.array(StatementEntrySchema), nextCursor: z.string().nullable() })
  .openapi('StatementPage');

export function statementRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/me/statement',
      operationId: 'getMyStatement',
      tags: ['citizen'],
      security: [{ citizen: [] }],
      summary: 'Every movement of the card, newest first, with the balance after each',
      description:
        'Only what moved money: a ride that cost nothing (a free transfer, a day past its cap) is in the journeys, not here. A page may hold fewer entries than the limit while nextCursor is not null: follow it.',
      request: {
        query: PageQuery.extend({
          cardId: z.string().regex(CARD_ID).optional().openapi({
            description:
              'One of the caller’s closed cards (GET /v1/me/card names the current one): its statement stays readable for ten years, the retention of the city’s money records. Default: the current card. Another citizen’s card is 404.',
          }),
        }),
      },
      responses: {
        200: { description: 'A page of entries', content: { 'application/json': { schema: StatementPage } } },
        ...errorResponses(400, 401, 404, 422),
      },
    }),
    async (c) => {
      const { limit, cursor, cardId: asked } = c.req.valid('query');
      const cardId = await ownCardId(deps.store, c.get('citizen').citizenId, asked);
      const page = await statementPage(deps.store, cardId, limit, cursor);
      const present = presenterFor(callerLanguage(c));
      return c.json({ ...page, items: page.items.map(present.entry) }, 200);
    },
  );
}
