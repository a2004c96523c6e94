import { createRoute, z } from '@hono/zod-openapi';
import { scopeFor } from '../../shared/clients/clients';
import { denyClosedCard } from '../../shared/denylist/denylist';
import { CARD_ID } from '../../shared/ledger/accounts';
import { payOutClosedCard } from '../../shared/outlets/closed-payout';
import { closeAtCounter } from '../../shared/outlets/closure';
import { cashTopup, identityCheck, type OutletDeps } from '../../shared/outlets/counter';
import { tillOf } from '../../shared/outlets/till';
import { businessDate } from '../../shared/time/shanghai';
import type { AppDeps } from '../deps';
import { IdNumberTyped, idNumberWellFormed } from '../http/id-number';
import type { Router } from '../http/router';
import { calendarDate, errorResponses, jsonBody, presentedFields } from '../http/schemas';
import { presentationDeps } from '../presentation-deps';

const presented = presentedFields('counter', '; no amt; made now');

const CashTopupBody = z
  .strictObject({
    topupId: z
      .uuid()
      .openapi({ description: 'Made by the counter; a retry sends the same id and gets the same answer' }),
    amountFen: z.number().int().min(1).max(500_000).openapi({ description: 'Cash received (integer fen)' }),
    ...presented,
  })
  .openapi('CashTopup');

const CashTopupAnswer = z
  .object({ topupId: z.string(), cardId: z.string(), amountFen: z.number().int(), balanceFen: z.number().int() })
  .openapi('CashTopupResult');

const IdentityCheckBody = z
  .strictObject({
    checkId: z.uuid().openapi({ description: 'Made by the counter; a retry sends the same id' }),
    idNumber: IdNumberTyped,
    ...presented,
  })
  .superRefine(idNumberWellFormed)
  .openapi('IdentityCheck');

const ClosureBody = z
  .strictObject({
    closureId: z
      .uuid()
      .openapi({ description: 'Made by the counter; a retry sends the same id and gets the same answer' }),
    idNumber: IdNumberTyped,
    ...presented,
  })
  .superRefine(idNumberWellFormed)
  .openapi('Closure');

const ClosureAnswer = z
  .object({
    closureId: z.string(),
    cardId: z.string(),
    status: z.literal('closed'),
    paidOutFen: z.number().int().openapi({ description: 'The balance paid back in cash at the counter' }),
    pointsLapsed: z.number().int().openapi({
      description: 'Alliance points that lapsed with the card, into the alliance’s pool (points are never cash)',
    }),
  })
  .openapi('ClosureResult');

const IdentityCheckAnswer = z
  .object({
    checkId: z.string(),
    cardId: z.string(),
    identityVerified: z.literal(true),
    fareClass: z.enum(['adult', 'student', 'senior', 'disabled']),
  })
  .openapi('IdentityCheckResult');

const TillAnswer = z
  .object({
    outletId: z.string(),
    businessDate: z.string(),
    topupsCount: z.number().int(),
    cashFen: z.number().int().openapi({ description: 'The cash this outlet took that business day, owed to the city' }),
    closuresCount: z.number().int().openapi({ description: 'Cards closed at this outlet that business day' }),
    paidOutFen: z.number().int().openapi({ description: 'The cash paid back to their holders' }),
  })
  .openapi('Till');

export function outletDeps(deps: AppDeps): OutletDeps {
  return {
    ...presentationDeps(deps),
    outlets: deps.outlets,
    cardRules: async () => (await deps.city()).card,
    maxBalanceFen: async () => (await deps.city()).card.maxBalanceFen,
  };
}

const security = [{ machine: [] }];

const postOutletTopupsRoute = createRoute({
  method: 'post',
  path: '/v1/outlet/topups',
  operationId: 'takeCashTopup',
  tags: ['service outlet'],
  security,
  summary: 'Top up a card with cash at the counter: the citizen shows the phone',
  description:
    'Credits the card from the outlet’s till. Idempotent by topupId (another body: 409). Refused with 422: BALANCE_LIMIT (past 500000 fen, open holds counted), CARD_FROZEN and the other presentation refusals, OUTLET_LIMIT (past the outlet’s limit for one top-up or a day’s cash).',
  request: { body: jsonBody(CashTopupBody) },
  responses: {
    201: { description: 'Credited', content: { 'application/json': { schema: CashTopupAnswer } } },
    ...errorResponses(400, 401, 403, 409, 422, 429, 503),
  },
});

const postOutletIdentityChecksRoute = createRoute({
  method: 'post',
  path: '/v1/outlet/identity-checks',
  operationId: 'checkIdentity',
  tags: ['service outlet'],
  security,
  summary: 'Verify the card holder’s identity in person against the resident id card shown',
  description:
    'An idNumber that is not the card holder’s is 422 ID_MISMATCH and changes nothing. From a verified identity on, concessions apply (senior from the birth date). Idempotent by checkId.',
  request: { body: jsonBody(IdentityCheckBody) },
  responses: {
    200: { description: 'Verified', content: { 'application/json': { schema: IdentityCheckAnswer } } },
    ...errorResponses(400, 401, 403, 409, 422, 429, 503),
  },
});

const getOutletTillRoute = createRoute({
  method: 'get',
  path: '/v1/outlet/till',
  operationId: 'getTill',
  tags: ['service outlet'],
  security,
  summary: 'The cash this outlet took in a business day (04:00 to 04:00 Asia/Shanghai), for the handover',
  request: {
    query: z.strictObject({
      businessDate: calendarDate().optional().openapi({ description: 'YYYY-MM-DD; today’s business day if absent' }),
    }),
  },
  responses: {
    200: { description: 'The till', content: { 'application/json': { schema: TillAnswer } } },
    ...errorResponses(400, 401, 403, 429),
  },
});

const postOutletClosuresRoute = createRoute({
  method: 'post',
  path: '/v1/outlet/closures',
  operationId: 'closeCard',
  tags: ['service outlet'],
  security,
  summary:
    'Close a card and pay its balance back in cash (退卡退款): the holder shows the phone and the resident id card',
  description:
    'With nothing open on the card, in one transaction its balance goes to the outlet’s till (paid out in cash; the till’s day counts it) and the card closes: every later tap, purchase or top-up is refused CARD_CLOSED, and it joins the deny list. Refused: 422 ID_MISMATCH (the number typed is not the holder’s), 409 CLOSURE_BLOCKED with what is open (a hold, a pending top-up, a balance below 0: settle it first), 422 CARD_CLOSED (closed already, under another closureId) and the presentation’s refusals. Idempotent by closureId. The statement stays readable by operators; the citizen may open a new card later (POST /v1/me/card: a new card id, the id number moving to it).',
  request: { body: jsonBody(ClosureBody) },
  responses: {
    200: { description: 'Closed', content: { 'application/json': { schema: ClosureAnswer } } },
    ...errorResponses(400, 401, 403, 409, 422, 429, 503),
  },
});

const ClosedPayoutBody = z
  .strictObject({
    payoutId: z
      .uuid()
      .openapi({ description: 'Made by the counter; a retry sends the same id and gets the same answer' }),
    cardId: z
      .string()
      .regex(CARD_ID)
      .openapi({ description: 'The closed card, as the holder’s app shows it (its credential died with the card)' }),
    idNumber: IdNumberTyped,
  })
  .superRefine(idNumberWellFormed)
  .openapi('ClosedCardPayoutRequest');

const postClosedCardPayoutsRoute = createRoute({
  method: 'post',
  path: '/v1/outlet/closed-card-payouts',
  operationId: 'payClosedCard',
  tags: ['service outlet'],
  security,
  summary: 'Pay out in cash what came back onto a closed card (a refund the top-up provider refused)',
  description:
    'The holder shows the resident id card (422 ID_MISMATCH otherwise); the whole balance of the closed card leaves it for the outlet’s till, once per payoutId. 409 CLOSURE_BLOCKED when the card is not closed or holds nothing; 404 for an unknown card.',
  request: { body: jsonBody(ClosedPayoutBody) },
  responses: {
    200: {
      description: 'Paid out',
      content: {
        'application/json': {
          schema: z
            .object({ payoutId: z.string(), cardId: z.string(), paidOutFen: z.number().int() })
            .openapi('ClosedCardPayout'),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

/** Service outlets (服务网点): cash top-ups, in-person identity checks, closures, the day's till. */
export function outletRoutes(app: Router, deps: AppDeps) {
  const outlet = outletDeps(deps);
  const counterOf = (machine: Parameters<typeof scopeFor>[0]) => ({
    clientId: machine.clientId,
    scope: scopeFor(machine, 'service-outlet'),
  });
  app.openapi(postOutletTopupsRoute, async (c) => {
    const counter = counterOf(c.get('machine'));
    const topup = await cashTopup(outlet, counter, c.req.valid('json'));
    deps.metrics.add('CashTopups', 1, { outlet: counter.scope.outletId });
    deps.metrics.add('CashTopupsFen', topup.amountFen);
    return c.json(topup, 201);
  });
  app.openapi(postOutletIdentityChecksRoute, async (c) => {
    const pepper = await deps.secrets.get('residentIdPepper');
    return c.json(await identityCheck(outlet, counterOf(c.get('machine')), c.req.valid('json'), pepper), 200);
  });
  app.openapi(postOutletClosuresRoute, async (c) => {
    const pepper = await deps.secrets.get('residentIdPepper');
    const closed = await closeAtCounter(outlet, counterOf(c.get('machine')), c.req.valid('json'), pepper);
    // After the closure commits, and again on a retry: on the deny list for offline terminals.
    await denyClosedCard(deps.store, closed.cardId, deps.clock());
    return c.json(closed, 200);
  });
  app.openapi(postClosedCardPayoutsRoute, async (c) => {
    const pepper = await deps.secrets.get('residentIdPepper');
    const payout = await payOutClosedCard(deps.store, counterOf(c.get('machine')), {
      ...c.req.valid('json'),
      pepper,
      now: deps.clock(),
    });
    return c.json(payout, 200);
  });
  app.openapi(getOutletTillRoute, async (c) => {
    const { outletId } = scopeFor(c.get('machine'), 'service-outlet');
    const date = c.req.valid('query').businessDate ?? businessDate(deps.clock());
    return c.json(await tillOf(deps.store, outletId, date), 200);
  });
}
