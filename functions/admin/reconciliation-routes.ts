import { createRoute, z } from '@hono/zod-openapi';
import { reconcile } from '../../shared/ledger/reconcile';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, OPERATOR_SECURITY } from '../http/schemas';

const AccountCheck = z.object({
  accountId: z.string(),
  kind: z.string(),
  balanceFen: z.number().int(),
  replayedFen: z.number().int(),
  entriesFen: z.number().int().optional(),
  lastBalanceAfterFen: z.number().int().optional(),
  ok: z.boolean(),
});
const Reconciliation = z
  .object({
    balanced: z.boolean(),
    sumFen: z
      .number()
      .int()
      .openapi({ description: 'Sum of every account balance, system and clearing included: 0 when balanced' }),
    accounts: z.number().int(),
    transfers: z.number().int(),
    mismatches: z.array(AccountCheck),
    byKind: z.record(z.string(), z.number().int()),
    checkedAt: z.string(),
  })
  .openapi('Reconciliation');

export function reconciliationRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/reconciliation',
      tags: ['operator'],
      security: OPERATOR_SECURITY,
      summary: 'The double-entry check over the whole ledger',
      description:
        'Balances sum to 0; each account equals the replay of every transfer’s postings; each wallet’s statement entries add up to its balance. Scans the table: an operator’s check, not for polling.',
      responses: {
        200: { description: 'The report', content: { 'application/json': { schema: Reconciliation } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => c.json(await reconcile(deps.store, deps.clock()), 200),
  );
}
