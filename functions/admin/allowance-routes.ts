import { createHash } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import {
  allowanceCsv,
  allowanceRows,
  allowanceRowsPage,
  allowanceRun,
  fundAllowance,
  SKIP_REASONS,
} from '../../shared/benefits/allowance';
import { NotFoundError } from '../../shared/errors';
import { translator } from '../../shared/i18n/i18n';
import type { AppDeps } from '../deps';
import type { AppEnv } from '../http/env';
import { idempotent } from '../http/idempotency';
import { callerLanguage } from '../http/language';
import { reportDownload } from '../http/report-download';
import type { Router } from '../http/router';
import {
  calendarMonth,
  errorResponses,
  IdempotencyKeyHeader,
  jsonBody,
  LongPageQuery,
  OPERATOR_SECURITY,
} from '../http/schemas';

const security = OPERATOR_SECURITY;
const RunSchema = z
  .object({
    runId: z.string(),
    month: z.string(),
    status: z.enum(['running', 'done', 'failed']).openapi({
      description:
        'done: every due card paid or skipped; running: part-way (the same Idempotency-Key, or the next run of the month, finishes it); failed: the fund could not cover it, nothing was paid',
    }),
    paidCount: z.number().int(),
    paidFen: z.number().int(),
    skipped: z
      .partialRecord(z.enum(SKIP_REASONS), z.number().int())
      .openapi({ description: 'Records skipped, by reason' }),
  })
  .openapi('AllowanceRun');
const RowSchema = z
  .object({
    recordId: z.string(),
    agencyId: z.string(),
    residentIdMasked: z.string(),
    group: z.string(),
    cardId: z.string().nullable(),
    status: z.enum(['paid', 'skipped', 'due']).openapi({
      description: 'due: the run pays it (or a run that failed would have); final once the run is done',
    }),
    reason: z.enum(SKIP_REASONS).nullable(),
    reasonText: z.string().nullable().openapi({
      description: 'The reason in words, in the caller’s language (Accept-Language: zh-CN for Chinese)',
    }),
    amountFen: z.number().int(),
  })
  .openapi('AllowanceReportRow');
const RunParams = z.object({
  runId: z.string().min(1).max(64).openapi({ description: 'From POST /v1/admin/allowance-runs' }),
});
const keyed = (prefix: string, key: string) =>
  `${prefix}_${createHash('sha256').update(key).digest('base64url').slice(0, 24)}`;

const getAllowanceRunsRoute = createRoute({
  method: 'get',
  path: '/v1/admin/allowance-runs/{runId}',
  operationId: 'getAllowanceRun',
  tags: ['operator'],
  security,
  summary: 'A run’s state and counts (final once done)',
  request: { params: RunParams },
  responses: {
    200: { description: 'The run', content: { 'application/json': { schema: RunSchema } } },
    ...errorResponses(401, 403, 404),
  },
});

const getAllowanceRunsReportRoute = createRoute({
  method: 'get',
  path: '/v1/admin/allowance-runs/{runId}/report',
  operationId: 'getAllowanceReport',
  tags: ['operator'],
  security,
  summary:
    'The run’s report for civil affairs, a page of rows at a time: every record considered, paid or skipped and why (masked ids)',
  request: { params: RunParams, query: LongPageQuery },
  responses: {
    200: {
      description: 'The run and a page of its rows',
      content: {
        'application/json': {
          schema: z.strictObject({
            ...RunSchema.shape,
            rows: z.array(RowSchema),
            nextCursor: z.string().nullable(),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const getAllowanceRunsReportCsvRoute = createRoute({
  method: 'get',
  path: '/v1/admin/allowance-runs/{runId}/report.csv',
  operationId: 'getAllowanceReportCsv',
  tags: ['operator'],
  security,
  summary: 'The run’s report as CSV (RFC 4180), one row per record considered',
  request: { params: RunParams },
  responses: {
    200: {
      description: 'recordId,agencyId,residentIdMasked,group,cardId,status,reason,amountFen',
      content: { 'text/csv': { schema: z.string() } },
    },
    303: { description: 'In the cloud: a download link to the report in the reports bucket (15 minutes)' },
    ...errorResponses(401, 403, 404),
  },
});

const postBenefitFundingRoute = (once: MiddlewareHandler<AppEnv>) =>
  createRoute({
    method: 'post',
    path: '/v1/admin/benefit-funding',
    operationId: 'fundAllowance',
    tags: ['operator'],
    security,
    middleware: [once] as const,
    summary: 'Fund the allowance account from the city treasury',
    request: {
      headers: IdempotencyKeyHeader,
      body: jsonBody(
        z.strictObject({
          amountFen: z
            .number()
            .int()
            .min(1)
            .max(10_000_000_000)
            .openapi({ description: 'Fen moved from the treasury into the allowance fund' }),
        }),
      ),
    },
    responses: {
      201: {
        description: 'Funded',
        content: { 'application/json': { schema: z.object({ fundBalanceFen: z.number().int() }) } },
      },
      ...errorResponses(400, 401, 403, 409, 503),
    },
  });

const postAllowanceRunsRoute = (once: MiddlewareHandler<AppEnv>) =>
  createRoute({
    method: 'post',
    path: '/v1/admin/allowance-runs',
    operationId: 'startAllowanceRun',
    tags: ['operator'],
    security,
    middleware: [once] as const,
    summary: 'Pay the month’s senior living allowance to every eligible card not yet paid for it',
    description:
      'Each card at most once a month however many runs. The run sets its whole total aside from the fund before it pays anyone: a run the fund cannot cover in full pays nothing (409 FUND_INSUFFICIENT), so runs at once never pay more than the fund holds. One run of a month at a time (409 ALLOWANCE_RUN_IN_PROGRESS; one that stopped moving 15 minutes ago is finished first). Any month up to the current one (Asia/Shanghai); a later one is 422 MONTH_IN_FUTURE. A back-payment does not change what the card shows as this month’s.',
    request: {
      headers: IdempotencyKeyHeader,
      body: jsonBody(
        z.strictObject({
          month: calendarMonth().openapi({
            description: 'The month to pay, YYYY-MM (Asia/Shanghai); not in the future',
            example: '2026-11',
          }),
        }),
      ),
    },
    responses: {
      201: { description: 'The run, done', content: { 'application/json': { schema: RunSchema } } },
      202: {
        description:
          'The run is part-way (its payments reserved; some not yet made): the same request with the same Idempotency-Key goes on with it',
        content: { 'application/json': { schema: RunSchema } },
      },
      ...errorResponses(400, 401, 403, 409, 422, 503),
    },
  });

/** The senior living allowance: the city funds it; a monthly run pays it into cards; civil affairs gets the report. */
export function allowanceRoutes(app: Router, deps: AppDeps) {
  const once = idempotent(deps.store, deps.clock, () => 'operator');
  app.openapi(postBenefitFundingRoute(once), async (c) => {
    const { amountFen } = c.req.valid('json');
    const transferId = keyed('fund', c.get('idempotencyKey'));
    return c.json({ fundBalanceFen: await fundAllowance(deps.store, transferId, amountFen, deps.clock()) }, 201);
  });
  app.openapi(postAllowanceRunsRoute(once), async (c) => {
    const { month } = c.req.valid('json');
    const runId = keyed('alw', c.get('idempotencyKey'));
    const run = await deps.allowanceRuns.start({ runId, month });
    if (run.status === 'running') return c.json(run, 202);
    await deps.reports.put(`allowance/${runId}.csv`, allowanceCsv(await allowanceRows(deps.store, runId)), 'text/csv');
    return c.json(run, 201);
  });
  app.openapi(getAllowanceRunsRoute, async (c) => {
    const run = await allowanceRun(deps.store, c.req.valid('param').runId);
    if (!run) throw new NotFoundError('Allowance run');
    return c.json(run, 200);
  });
  app.openapi(getAllowanceRunsReportRoute, async (c) => {
    const { runId } = c.req.valid('param');
    const run = await allowanceRun(deps.store, runId);
    if (!run) throw new NotFoundError('Allowance run');
    const { rows, nextCursor } = await allowanceRowsPage(deps.store, runId, c.req.valid('query'));
    const t = translator(callerLanguage(c));
    const said = rows.map((row) => ({ ...row, reasonText: row.reason ? t.skipReason(row.reason) : null }));
    return c.json({ ...run, rows: said, nextCursor }, 200);
  });
  app.openapi(getAllowanceRunsReportCsvRoute, async (c) => {
    const { runId } = c.req.valid('param');
    if (!(await allowanceRun(deps.store, runId))) throw new NotFoundError('Allowance run');
    return reportDownload(c, deps.reports, `allowance/${runId}.csv`, async () =>
      allowanceCsv(await allowanceRows(deps.store, runId)),
    );
  });
}
