import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../shared/errors';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, OPERATOR_SECURITY } from '../http/schemas';

const AccountCheck = z.object({
  accountId: z.string(),
  kind: z.string(),
  balanceFen: z.number().int().openapi({ description: 'What the account holds as stored' }),
  replayedFen: z.number().int().openapi({ description: 'The sum of every transfer’s postings to it' }),
  entriesFen: z.number().int().optional().openapi({ description: 'Wallets: the sum of the statement entries' }),
  brokenEntries: z
    .number()
    .int()
    .optional()
    .openapi({ description: 'Wallets: entries whose balance after is not the one before plus their amount' }),
  ok: z.boolean(),
});
const Reconciliation = z
  .object({
    auditId: z.string(),
    balanced: z.boolean(),
    sumFen: z
      .number()
      .int()
      .openapi({ description: 'Sum of every account balance, system and clearing included: 0 when balanced' }),
    accounts: z.number().int(),
    transfers: z.number().int(),
    mismatches: z.array(AccountCheck).openapi({ description: 'At most 100 accounts, by id' }),
    unbalancedTransfers: z
      .array(z.object({ transferId: z.string(), sumFen: z.number().int() }))
      .openapi({ description: 'At most 100 transfers whose postings do not sum to 0' }),
    byKind: z.record(z.string(), z.number().int()),
    asOf: z.string().openapi({ description: 'The moment the audited data is of' }),
    checkedAt: z.string(),
  })
  .openapi('Reconciliation');
const AuditStarted = z.object({ auditId: z.string(), status: z.enum(['running', 'done']) }).openapi('AuditStarted');

/**
 * The double-entry check over the whole ledger, as a full audit on an analytics engine (Athena over a
 * point-in-time export in the cloud, DuckDB over a local export here): never a scan in a function.
 */
export function reconciliationRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/reconciliation',
      operationId: 'getReconciliation',
      tags: ['operator'],
      security: OPERATOR_SECURITY,
      summary: 'The double-entry check over the whole ledger (the latest full audit)',
      description:
        'Balances sum to 0; each account equals the replay of every transfer’s postings; each wallet’s statement entries add up, each after the one before; each transfer’s postings sum to 0. Locally the audit runs for the call and covers every movement committed before it; in the cloud this is the latest completed audit (daily, or started by POST /v1/admin/reconciliation/audits), of the moment its `asOf` says; 404 until one has completed.',
      responses: {
        200: { description: 'The audit', content: { 'application/json': { schema: Reconciliation } } },
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const audit = await deps.audits.current();
      if (!audit) throw new NotFoundError('Audit', { hint: 'start one with POST /v1/admin/reconciliation/audits' });
      return c.json(audit, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/reconciliation/audits',
      operationId: 'startAudit',
      tags: ['operator'],
      security: OPERATOR_SECURITY,
      summary: 'Start a full audit of the ledger now',
      description:
        'In the cloud: a point-in-time export of the table and the audit’s query on Athena, then GET /v1/admin/reconciliation answers it (202). Locally it runs to its end (201).',
      responses: {
        201: { description: 'Done', content: { 'application/json': { schema: AuditStarted } } },
        202: { description: 'Started', content: { 'application/json': { schema: AuditStarted } } },
        ...errorResponses(401, 403),
      },
    }),
    async (c) => {
      const started = await deps.audits.start();
      return c.json(started, started.status === 'done' ? 201 : 202);
    },
  );
}
