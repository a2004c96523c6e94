import { createRoute, z } from '@hono/zod-openapi';
import { upsertBill } from '../../shared/bills/bills';
import { BillInputSchema } from '../../shared/bills/model';
import { billerPaymentsPage } from '../../shared/bills/payments';
import { scopeFor } from '../../shared/clients/clients';
import type { AppDeps } from '../deps';
import type { Router } from '../http/router';
import { errorResponses, jsonBody, queryInt } from '../http/schemas';

/** Bills a biller may upload at once: a month's batch for one district. */
export const MAX_BILLS_PER_UPLOAD = 500;

const UploadResult = z
  .object({
    results: z.array(
      z.object({
        externalRef: z.string(),
        billId: z.string(),
        outcome: z
          .enum(['created', 'updated', 'unchanged', 'locked'])
          .openapi({ description: 'locked: paid in part already, left as it was' }),
      }),
    ),
  })
  .openapi('BillUpload');

const BillerPaymentSchema = z
  .object({
    paymentId: z.string(),
    billId: z.string(),
    externalRef: z.string(),
    accountNo: z.string(),
    period: z.string(),
    amountFen: z.number().int(),
    status: z.literal('completed'),
    receiptNo: z.string(),
    paidAt: z.string(),
  })
  .openapi('BillerPayment');

const putBillerBillsRoute = createRoute({
  method: 'put',
  path: '/v1/biller/bills',
  operationId: 'uploadBills',
  tags: ['biller'],
  security: [{ machine: [] }],
  summary: `Upload up to ${MAX_BILLS_PER_UPLOAD} bills, keyed by your externalRef (repeat freely)`,
  description:
    'A new externalRef creates a bill; an unpaid one is updated; one paid in part is locked and answered as such.',
  request: {
    body: jsonBody(
      z.strictObject({
        bills: z
          .array(BillInputSchema)
          .min(1)
          .max(MAX_BILLS_PER_UPLOAD)
          .openapi({ description: `1 to ${MAX_BILLS_PER_UPLOAD} bills, upserted by externalRef` }),
      }),
    ),
  },
  responses: {
    200: {
      description: 'One result per bill, in order',
      content: { 'application/json': { schema: UploadResult } },
    },
    ...errorResponses(400, 401, 403, 413),
  },
});

const getBillerPaymentsRoute = createRoute({
  method: 'get',
  path: '/v1/biller/payments',
  operationId: 'listBillerPayments',
  tags: ['biller'],
  security: [{ machine: [] }],
  summary: 'Payments to your bills in the order they were made: after `since` (RFC 3339), then page with `cursor`',
  request: {
    query: z.strictObject({
      since: z.iso
        .datetime({ offset: true })
        .optional()
        .openapi({ description: 'Only payments after this moment (RFC 3339)' }),
      limit: queryInt(1, 500, 100).openapi({ description: 'Page size, 1 to 500' }),
      cursor: z.string().max(1024).optional().openapi({ description: 'nextCursor of the previous page' }),
    }),
  },
  responses: {
    200: {
      description: 'A page of payments',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(BillerPaymentSchema), nextCursor: z.string().nullable() }),
        },
      },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** A biller's own bills and the payments made to them. */
export function billerRoutes(app: Router, deps: AppDeps) {
  app.openapi(putBillerBillsRoute, async (c) => {
    const { billerId } = scopeFor(c.get('machine'), 'biller');
    const now = deps.clock();
    const results = [];
    for (const bill of c.req.valid('json').bills) {
      const { billId, outcome } = await upsertBill(deps.store, billerId, bill, now);
      results.push({ externalRef: bill.externalRef, billId, outcome });
    }
    return c.json({ results }, 200);
  });
  app.openapi(getBillerPaymentsRoute, async (c) => {
    const { since, limit, cursor } = c.req.valid('query');
    const { billerId } = scopeFor(c.get('machine'), 'biller');
    return c.json(
      await billerPaymentsPage(deps.store, billerId, {
        limit,
        ...(since ? { since } : {}),
        ...(cursor ? { cursor } : {}),
      }),
      200,
    );
  });
}
