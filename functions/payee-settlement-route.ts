import { createRoute, z } from '@hono/zod-openapi';
import { type ClientKind, scopeFor } from '../shared/clients/clients';
import { payeeLines } from '../shared/settlement/payee-lines';
import type { AppDeps } from './deps';
import type { Router } from './http/router';
import { errorResponses, PageQuery } from './http/schemas';
import { PayeeSettlementSchema } from './settlement-schemas';

/** `GET /v1/<area>/settlements`: a payee reads its own lines (each sees only its own), newest first. */
export function payeeSettlementRoute(app: Router, deps: AppDeps, area: 'merchant' | 'biller') {
  const kind: ClientKind = area === 'merchant' ? 'merchant-pos' : 'biller';
  app.openapi(
    createRoute({
      method: 'get',
      path: `/v1/${area}/settlements`,
      operationId: area === 'merchant' ? 'listMerchantSettlements' : 'listBillerSettlements',
      tags: [area === 'merchant' ? 'merchant' : 'biller'],
      security: [{ machine: [] }],
      summary: `The ${area}’s own settlement lines, newest first`,
      request: { query: PageQuery },
      responses: {
        200: {
          description: 'A page of lines',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(PayeeSettlementSchema), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const machine = c.get('machine');
      const payeeId =
        kind === 'merchant-pos' ? scopeFor(machine, 'merchant-pos').merchantId : scopeFor(machine, 'biller').billerId;
      return c.json(await payeeLines(deps.store, area, payeeId, limit, cursor), 200);
    },
  );
}
