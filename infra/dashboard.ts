import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type ILogGroup, QueryDefinition, QueryString } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/observability';
import { emf } from './operations';

export interface CityDashboardProps {
  api: HttpApi;
  table: TableV2;
  /** Each area's function logs, by area: the saved queries read them. */
  areaLogs: Map<string, ILogGroup>;
  jobLogs: ILogGroup[];
}

const minute = { period: Duration.minutes(1), statistic: 'Sum' };
const hour = { period: Duration.hours(1), statistic: 'Sum' };
/** Every series of a metric whatever its dimensions, summed: a dashboard may search, an alarm may not. */
const all = (metricName: string, label: string, period = 60) =>
  new MathExpression({
    expression: `SUM(SEARCH('{${METRIC_NAMESPACE},service} MetricName="${metricName}"', 'Sum', ${period}))`,
    label,
    period: Duration.seconds(period),
  });
const graph = (title: string, left: IMetric[], width = 12) => new GraphWidget({ title, left, width, height: 6 });

/**
 * The city's operations at a glance (one CloudWatch dashboard): taps and declines a minute, money in
 * and out by field, the API's latency and errors, DynamoDB's throttles, the jobs' outcomes and the
 * float; and the runbook's saved Logs Insights queries.
 */
export class CityDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: CityDashboardProps) {
    super(scope, id);
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: '# OneCard operations\nAlarms and what to do: docs/operations.md (the runbook). Money in fen.',
        width: 24,
        height: 2,
      }),
      graph('Taps a minute: accepted and declined', [
        emf('TapsAccepted', { service: 'terminal' }, minute),
        emf('TapsDeclined', { service: 'terminal' }, minute),
      ]),
      graph('Declines by code, a minute', [
        new MathExpression({
          expression: `SEARCH('{${METRIC_NAMESPACE},declineCode,route,service,status} MetricName="Taps" status="declined"', 'Sum', 60)`,
          label: '',
          period: Duration.minutes(1),
        }),
      ]),
      graph('Money in by field, an hour (fen)', [
        emf('TopupsFen', { service: 'webhooks' }, hour),
        emf('CashTopupsFen', { service: 'outlet' }, hour),
        emf('AllowancePaidFen', { service: 'allowance' }, hour),
      ]),
      graph('Money out by field, an hour (fen)', [
        emf('FaresFen', { service: 'terminal' }, hour),
        emf('FeesFen', { service: 'terminal' }, hour),
        emf('PurchasesFen', { service: 'merchant' }, hour),
        emf('BillsFen', { service: 'citizen' }, hour),
      ]),
      graph('API latency (ms): p50 and p99', [
        props.api.metricLatency({ period: Duration.minutes(1), statistic: 'p50' }),
        props.api.metricLatency({ period: Duration.minutes(1), statistic: 'p99' }),
      ]),
      graph('Errors: 5xx answers by area, function errors', [
        all('Http5xx', '5xx answers'),
        props.api.metricServerError(minute),
      ]),
      graph('DynamoDB throttles', [
        ...['WriteThrottleEvents', 'ReadThrottleEvents'].map(
          (metricName) =>
            new Metric({
              namespace: 'AWS/DynamoDB',
              metricName,
              dimensionsMap: { TableName: props.table.tableName },
              ...minute,
            }),
        ),
      ]),
      graph('Jobs: succeeded, settlement payout and lines, allowance paid', [
        all('JobSucceeded', 'jobs succeeded', 3600),
        emf('SettlementLines', { service: 'settlement' }, hour),
        emf('AllowancePaid', { service: 'allowance' }, hour),
      ]),
      new SingleValueWidget({
        title: 'The float (every card’s balance, fen) and the audit’s mismatches',
        metrics: [
          emf('StoredValueFen', { service: 'audit-record' }, { period: Duration.days(1), statistic: 'Maximum' }),
          emf('LedgerAuditMismatches', { service: 'audit-record' }, { period: Duration.days(1), statistic: 'Maximum' }),
        ],
        width: 24,
        height: 4,
      }),
    );
    savedQueries(this, props);
  }
}

/** The runbook's steps as Logs Insights queries, saved where the on-call engineer opens them. */
function savedQueries(scope: Construct, props: CityDashboardProps) {
  const logs = [...props.areaLogs.values(), ...props.jobLogs];
  const query = (id: string, name: string, queryString: QueryString, groups = logs) =>
    new QueryDefinition(scope, id, { queryDefinitionName: `onecard/${name}`, queryString, logGroups: groups });
  query(
    'RequestQuery',
    'one-request-by-id',
    new QueryString({
      fields: ['@timestamp', 'level', 'message', 'status', 'path', 'function_request_id', 'errorMessage'],
      filterStatements: ['correlation_id = "REQUEST-ID" or requestId = "REQUEST-ID"'],
      sort: '@timestamp asc',
    }),
  );
  query(
    'ServerErrorsQuery',
    'server-errors',
    new QueryString({
      fields: ['@timestamp', 'service', 'requestId', 'path', 'errorName', 'errorMessage'],
      filterStatements: ['message = "unhandled error" or message = "storage unavailable"'],
      sort: '@timestamp desc',
      limit: 100,
    }),
  );
  query(
    'DeclinesQuery',
    'tap-declines-by-code',
    new QueryString({
      filterStatements: ['message = "tap" and status = "declined"'],
      statsStatements: ['count(*) as taps by declineCode, terminal'],
      sort: 'taps desc',
    }),
    [props.areaLogs.get('terminal')!],
  );
  query(
    'JobsQuery',
    'job-runs',
    new QueryString({
      fields: ['@timestamp', 'service', 'message', 'runId', 'payoutFen', 'lines', 'paidFen', 'balanced'],
      filterStatements: [
        'message in ["daily settlement", "allowance run", "ledger audit", "rotated signing keys", "LEDGER_AUDIT_MISMATCH", "STORED_VALUE_MISMATCH"]',
      ],
      sort: '@timestamp desc',
    }),
    props.jobLogs,
  );
}
