import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../../shared/errors';
import { dailyReport, STORED_VALUE_ALARM } from '../../shared/reports/daily-report';
import { hourlyFlows } from '../../shared/reports/hourly';
import { settlementCsv } from '../../shared/settlement/report';
import { runSettlement, type SettlementDeps, settlementRun } from '../../shared/settlement/run';
import type { AppDeps } from '../deps';
import { idempotent } from '../http/idempotency';
import { reportDownload } from '../http/report-download';
import type { Router } from '../http/router';
import {
  calendarDate,
  calendarInstant,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  OPERATOR_SECURITY,
} from '../http/schemas';
import { SettlementLineSchema } from '../settlement-schemas';

const RunSchema = z
  .object({
    runId: z.string(),
    cutoff: z.string(),
    previousCutoff: z.string().nullable(),
    lines: z.array(SettlementLineSchema),
    payoutFen: z.number().int().openapi({ description: 'All payouts of the run (integer fen)' }),
  })
  .openapi('SettlementRun');

const security = OPERATOR_SECURITY;
const RunParams = z.object({
  runId: z.string().min(1).max(64).openapi({ description: 'From POST /v1/admin/settlement-runs' }),
});

export function settlementDeps(deps: AppDeps): SettlementDeps {
  return { store: deps.store, clock: deps.clock };
}

/** An operator's run id follows from its Idempotency-Key: the same key started again resumes the same run. */
export const operatorRunId = (idempotencyKey: string) =>
  `run_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 24)}`;

const getSettlementRunsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/settlement-runs/{runId}',
  operationId: 'getSettlementRun',
  tags: ['operator'],
  security,
  summary: 'A settlement run, as its POST answered it',
  request: { params: RunParams },
  responses: {
    200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const getSettlementRunsReportCsvRoute = createRoute({
  method: 'get',
  path: '/v1/admin/settlement-runs/{runId}/report.csv',
  operationId: 'getSettlementReportCsv',
  tags: ['operator'],
  security,
  summary: 'A settlement run’s lines as CSV (RFC 4180)',
  request: { params: RunParams },
  responses: {
    200: {
      description: 'payeeKind,payeeId,salesFen,refundsFen,feeFen,netFen,payoutFen,carriedFen',
      content: { 'text/csv': { schema: z.string() } },
    },
    303: { description: 'In the cloud: a download link to the report in the reports bucket (15 minutes)' },
    ...errorResponses(401, 403, 404),
  },
});

/** Settlement runs: start one (or resume it), read it, and its CSV report. */
export function settlementRoutes(app: Router, deps: AppDeps) {
  const once = idempotent(deps.store, deps.clock, () => 'operator');
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/admin/settlement-runs',
      operationId: 'startSettlementRun',
      tags: ['operator'],
      security,
      middleware: [once] as const,
      summary: 'Settle every movement into a payee account recorded before the cutoff and not settled before',
      description:
        'One line per payee whose account moved money in the cycle (an idle payee’s carried amount stays on its last line); payouts and fees move through the ledger. 409 CUTOFF_NOT_AFTER_PREVIOUS for a cutoff not after the last run’s, 409 SETTLEMENT_RUNNING while another run is in progress, 422 CUTOFF_IN_FUTURE for one more than 5 s ahead. A run cut short (a timeout) is finished by sending the same request with the same Idempotency-Key.',
      request: {
        headers: IdempotencyKeyHeader,
        body: jsonBody(
          z.strictObject({
            cutoff: calendarInstant().openapi({
              description: 'Settle what was recorded before this instant (milliseconds kept)',
              example: '2026-11-28T04:00:00+08:00',
            }),
          }),
        ),
      },
      responses: {
        201: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
        ...errorResponses(400, 401, 403, 409, 422, 503),
      },
    }),
    async (c) => {
      const cutoff = new Date(c.req.valid('json').cutoff);
      const run = await runSettlement(settlementDeps(deps), { runId: operatorRunId(c.get('idempotencyKey')), cutoff });
      const { cost, ...answer } = run;
      c.get('logger').info('settlement run', {
        runId: run.runId,
        cutoff: run.cutoff,
        lines: run.lines.length,
        ...cost,
      });
      await deps.reports.put(`settlement/${run.runId}.csv`, settlementCsv(answer), 'text/csv');
      return c.json(answer, 201);
    },
  );
  app.openapi(getSettlementRunsRoute, async (c) => {
    const run = await settlementRun(deps.store, c.req.valid('param').runId);
    if (!run) throw new NotFoundError('Settlement run');
    return c.json(run, 200);
  });
  app.openapi(getSettlementRunsReportCsvRoute, async (c) => {
    const run = await settlementRun(deps.store, c.req.valid('param').runId);
    if (!run) throw new NotFoundError('Settlement run');
    return reportDownload(c, deps.reports, `settlement/${run.runId}.csv`, async () => settlementCsv(run));
  });
}

const Flows = z.object({
  fares: z.number().int(),
  bills: z.number().int(),
  purchases: z.number().int(),
  facilities: z.number().int(),
});
const DailyReportSchema = z
  .object({
    businessDate: z.string(),
    topupsFen: z.object({ provider: z.number().int(), cash: z.number().int() }),
    spendingFen: Flows,
    refundsFen: Flows,
    allowanceFen: z.number().int(),
    pointsFen: z.object({ funded: z.number().int(), spent: z.number().int() }).openapi({
      description:
        'Alliance points of the day’s purchases (1 point = 1 fen): funded by merchants (less refunds’ take-backs) and spent by customers; per merchant in each settlement line',
    }),
    payoutsFen: z.number().int(),
    feesFen: z.number().int(),
    storedValue: z
      .object({
        outstandingFen: z.number().int().openapi({ description: 'Every card’s balance together' }),
        receivedFen: z.number().int().openapi({ description: 'Money received: top-ups from the provider and cash' }),
        paidOutFen: z.number().int(),
        inSystemFen: z
          .number()
          .int()
          .openapi({ description: 'What sits in payee, campaign, fee and other system accounts' }),
        differenceFen: z
          .number()
          .int()
          .openapi({ description: 'received - paidOut - inSystem - outstanding: must be 0' }),
        ledgerBalanced: z.boolean(),
        asOf: z.string().openapi({ description: 'The moment the audited data is of (the export’s time)' }),
        auditId: z.string().openapi({ description: 'The full audit the figures come from' }),
      })
      .nullable()
      .openapi({
        description:
          'From the latest full audit of the ledger (locally: one run for this report); null until an audit has completed',
      }),
    alarm: z
      .boolean()
      .openapi({ description: 'A difference or an unbalanced ledger: raised as an alarm, not a footnote' }),
  })
  .openapi('DailyReport');

/** The operator's daily report, on demand; the settlement job makes it every day too. */
export function dailyReportRoutes(app: Router, deps: AppDeps) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/admin/reports/daily',
      operationId: 'getDailyReport',
      tags: ['operator'],
      security,
      summary:
        'One business day (04:00 to 04:00 Asia/Shanghai): money in, spending and refunds by kind, payouts, fees, and the stored value checked',
      request: {
        query: z.strictObject({
          businessDate: calendarDate().openapi({
            description: 'YYYY-MM-DD: the business day (04:00 to 04:00 Asia/Shanghai) to report',
          }),
        }),
      },
      responses: {
        200: { description: 'The report', content: { 'application/json': { schema: DailyReportSchema } } },
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const report = await dailyReport(deps.store, c.req.valid('query').businessDate, await deps.audits.current());
      if (report.alarm) c.get('logger').error(STORED_VALUE_ALARM, { ...report.storedValue });
      return c.json(report, 200);
    },
  );
  app.openapi(getHourlyReportRoute, async (c) => {
    const hours = await hourlyFlows(deps.store, c.req.valid('query').businessDate);
    return c.json({ businessDate: c.req.valid('query').businessDate, hours }, 200);
  });
}

const Fields = z.object({
  fares: z.number().int(),
  bills: z.number().int(),
  purchases: z.number().int(),
  facilities: z.number().int(),
  topups: z.number().int(),
});
const HourlyReportSchema = z
  .object({
    businessDate: z.string(),
    hours: z.array(
      z.object({
        hour: z.string().openapi({ description: 'The hour’s start (RFC 3339); 24 hours from 04:00 Shanghai' }),
        inFen: Fields.openapi({ description: 'What each field took in that hour (top-ups: into cards)' }),
        movements: Fields.openapi({
          description: 'Movements counted that hour (fares: charged taps; a free ride or a decline moves nothing)',
        }),
        outFen: Fields.openapi({ description: 'What each field gave back that hour (refunds, give-backs)' }),
        declines: z
          .object({ total: z.number().int(), byRoute: z.record(z.string(), z.number().int()) })
          .openapi({ description: 'Taps declined in the hour (by the tap’s own time), by route' }),
        topupOutcomes: z
          .object({ succeeded: z.number().int(), failed: z.number().int(), refunded: z.number().int() })
          .openapi({ description: 'Top-ups the provider settled in the hour, by outcome' }),
      }),
    ),
  })
  .openapi('HourlyReport');

const getHourlyReportRoute = createRoute({
  method: 'get',
  path: '/v1/admin/reports/hourly',
  operationId: 'getHourlyReport',
  tags: ['operator'],
  security,
  summary: 'A business day hour by hour: fares, bills, purchases, facilities and top-ups, in fen and movements',
  description:
    'What the operations console charts. From the minute buckets that moved, as the daily report: its cost is what the day moved.',
  request: {
    query: z.strictObject({
      businessDate: calendarDate().openapi({
        description: 'YYYY-MM-DD: the business day (04:00 to 04:00 Asia/Shanghai)',
      }),
    }),
  },
  responses: {
    200: { description: 'The day by hour', content: { 'application/json': { schema: HourlyReportSchema } } },
    ...errorResponses(400, 401, 403),
  },
});
