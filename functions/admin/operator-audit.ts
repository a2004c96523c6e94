import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { operatorActionsOn, recordOperatorAction } from '../../shared/audit/operator-audit';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import type { Router } from '../http/router';
import { calendarDate, errorResponses, OPERATOR_SECURITY, PageQuery } from '../http/schemas';

/** Where an operator may give the reason of a write whose body has no `reason` field. */
export const REASON_HEADER = 'onecard-reason';

function reasonOf(header: string | undefined, rawBody: string): string | null {
  if (header) return header;
  try {
    const parsed = JSON.parse(rawBody) as { reason?: unknown };
    return typeof parsed?.reason === 'string' ? parsed.reason : null;
  } catch {
    return null;
  }
}

/**
 * Records every operator write, whatever its outcome: the principal (IAM in the cloud), the route,
 * the answer's status and the reason (the body's `reason`, or the Onecard-Reason header). Written
 * after the answer is made, so the record says how it ended; logged too, into the admin function's
 * logs that are kept a year.
 */
export function auditOperatorWrites(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
    const operator = c.get('operator');
    if (!operator) return; // refused before authentication: nothing was done
    const action = {
      at: deps.clock().toISOString(),
      requestId: c.get('requestId'),
      principal: operator.principal,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      reason: reasonOf(c.req.header(REASON_HEADER), await c.req.text().catch(() => '')),
    };
    c.get('logger')?.info('operator write', { ...action });
    await recordOperatorAction(deps.store, action);
  };
}

const ActionSchema = z
  .object({
    at: z.string(),
    requestId: z.string(),
    principal: z.string().openapi({ description: 'The IAM principal (cloud) or local-operator (local stage)' }),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    reason: z.string().nullable(),
  })
  .openapi('OperatorAction');

export function auditTrailRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/audit',
      operationId: 'listAuditLog',
      tags: ['operator'],
      security: OPERATOR_SECURITY,
      summary: 'Operator writes of one business day (Asia/Shanghai), oldest first: who, what, why, and the outcome',
      request: {
        query: PageQuery.extend({
          businessDate: calendarDate().openapi({
            description:
              'YYYY-MM-DD: the business day (from 04:00 Asia/Shanghai, as the daily report’s) whose operator writes to list',
          }),
        }),
      },
      responses: {
        200: {
          description: 'The day’s operator writes',
          content: {
            'application/json': {
              schema: z.object({ items: z.array(ActionSchema), nextCursor: z.string().nullable() }),
            },
          },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const { businessDate, limit, cursor } = c.req.valid('query');
      return c.json(await operatorActionsOn(deps.store, businessDate, limit, cursor), 200);
    },
  );
}
