import { createRoute, z } from '@hono/zod-openapi';
import { openBillsPage } from '../../shared/bills/bills';
import { billPaymentIdFor, payBill } from '../../shared/bills/payments';
import { requireCard } from '../../shared/cards/cards';
import { takeToken } from '../../shared/ratelimit/fixed-window';
import { billPaymentKey } from '../../shared/store/keys';
import type { AppDeps } from '../deps';
import { idempotentOnRecord } from '../http/idempotency';
import type { Router } from '../http/router';
import { errorResponses, IdempotencyKeyHeader, jsonBody, PageQuery } from '../http/schemas';

export const BillSchema = z
  .object({
    billId: z.string(),
    billerId: z.string(),
    accountNo: z.string(),
    period: z.string(),
    amountDueFen: z.number().int().openapi({ description: 'What is still due (a partly paid bill is open)' }),
    dueDate: z.string(),
    status: z.enum(['open', 'paid']),
    allowPartial: z.boolean(),
  })
  .openapi('Bill');

const BillPaymentSchema = z
  .object({
    paymentId: z.string(),
    billId: z.string(),
    amountFen: z.number().int(),
    status: z.literal('completed'),
    receiptNo: z.string(),
  })
  .openapi('BillPayment');

const security = [{ citizen: [] }];

const getBillsRoute = createRoute({
  method: 'get',
  path: '/v1/me/bills',
  operationId: 'findBills',
  tags: ['citizen'],
  security,
  summary: 'The open bills of a biller account, newest period first',
  request: {
    query: PageQuery.extend({
      billerId: z.string().min(1).max(32).openapi({ description: 'The biller, e.g. water' }),
      accountNo: z.string().min(1).max(64).openapi({ description: 'The account number on the bill, e.g. W-0001' }),
    }),
  },
  responses: {
    200: {
      description: 'Open bills',
      content: {
        'application/json': { schema: z.object({ items: z.array(BillSchema), nextCursor: z.string().nullable() }) },
      },
    },
    ...errorResponses(400, 401, 429),
  },
});

/** Utility bills paid from the card: look them up by biller and account, pay them whole or in part. */
export function billRoutes(app: Router, deps: AppDeps) {
  app.openapi(getBillsRoute, async (c) => {
    const { billerId, accountNo, limit, cursor } = c.req.valid('query');
    const { citizenId } = c.get('citizen');
    await takeToken(deps.store, `bills:${citizenId}`, deps.config.limits.billLookupsPerMinute, 60, deps.clock());
    return c.json(await openBillsPage(deps.store, { billerId, accountNo }, { limit, cursor }), 200);
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/me/bill-payments',
      operationId: 'payBill',
      tags: ['citizen'],
      security,
      middleware: [
        idempotentOnRecord(deps.store, deps.clock, (c, key) =>
          billPaymentKey(billPaymentIdFor(c.get('citizen').citizenId, key)),
        ),
      ] as const,
      summary: 'Pay a bill from the card (the whole amount must be in the balance)',
      description:
        '409 ALREADY_PAID; 422 PARTIAL_NOT_ALLOWED (this bill is paid whole), AMOUNT_EXCEEDS_DUE, INSUFFICIENT_FUNDS, CARD_FROZEN.',
      request: {
        headers: IdempotencyKeyHeader,
        body: jsonBody(
          z.strictObject({
            billId: z.string().min(1).max(64).openapi({ description: 'From GET /v1/me/bills' }),
            amountFen: z
              .number()
              .int()
              .min(1)
              .max(100_000_000)
              .openapi({ description: 'The amount due, or less where the bill allows partial payment' }),
          }),
        ),
      },
      responses: {
        201: { description: 'Paid', content: { 'application/json': { schema: BillPaymentSchema } } },
        ...errorResponses(400, 401, 404, 409, 422, 503),
      },
    }),
    async (c) => {
      const { billId, amountFen } = c.req.valid('json');
      const citizenId = c.get('citizen').citizenId;
      const card = await requireCard(deps.store, citizenId);
      const payment = await payBill(deps.store, {
        paymentId: billPaymentIdFor(citizenId, c.get('idempotencyKey')),
        cardId: card.cardId,
        billId,
        amountFen,
        now: deps.clock(),
        requestHash: c.get('idempotencyHash'),
        answerOf: (paid) => ({ status: 201, body: paid }),
      });
      deps.metrics.add('BillPayments', 1);
      deps.metrics.add('BillsFen', payment.amountFen);
      return c.json(payment, 201);
    },
  );
}
