import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/observability';
import { STORED_VALUE_ALARM } from '../shared/reports/daily-report';

export interface OperationsProps {
  /** Who is woken: an address the topic mails (it confirms the subscription once). */
  alarmEmail?: string | undefined;
  /** A topic of the city's own (a pager's, a chat bridge's) that every alarm also notifies. */
  alarmTopicArn?: string | undefined;
}

/** The share of taps declined, in a quarter of an hour, past which someone looks (a validator's clock, a key). */
export const TAP_DECLINE_RATE_PERCENT = 20;

/** One breaching datapoint alarms: a job runs once, a mismatch happens once. */
export const ONCE = { evaluationPeriods: 1, datapointsToAlarm: 1 } as const;

/**
 * What makes the city's one-card visible and wakes someone when it goes wrong: one SNS topic that
 * every alarm notifies (an e-mail from the stack's context, and the city's own topic if it has one),
 * dead-letter queues for the schedules that start the jobs, and the alarms themselves.
 */
export class Operations extends Construct {
  readonly topic: ITopic;
  readonly actions: IAlarmAction[];

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    // A key of its own: CloudWatch may not use the AWS-managed aws/sns key, so alarms could not publish.
    const key = new Key(this, 'AlarmsKey', {
      description: 'OneCard alarms topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'Alarms', { displayName: 'OneCard alarms', masterKey: key, enforceSSL: true });
    this.topic = topic;
    this.actions = [
      new SnsAction(topic),
      ...(props.alarmTopicArn ? [new SnsAction(Topic.fromTopicArn(this, 'CityTopic', props.alarmTopicArn))] : []),
    ];
    if (props.alarmEmail) {
      // A message the mail server refused waits here (and alarms the topic's other subscribers).
      const deadLetterQueue = this.deadLetters(
        'AlarmMail',
        'An alarm mail could not be delivered: check the on-call address (docs/operations.md, "Alarms")',
      );
      topic.addSubscription(new EmailSubscription(props.alarmEmail, { deadLetterQueue }));
    }
  }

  /** An alarm that notifies the topic. */
  alarm(id: string, metric: IMetric, threshold: number, description: string, options: AlarmShape = {}): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 3,
      datapointsToAlarm: options.datapointsToAlarm ?? 2,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.missing ?? TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
    for (const action of this.actions) alarm.addAlarmAction(action);
    return alarm;
  }

  /**
   * A dead-letter queue for what a schedule or rule could not deliver (a job never started), with an
   * alarm on its first message.
   */
  deadLetters(id: string, description: string): Queue {
    const queue = new Queue(this, `${id}DeadLetters`, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      'It is a dead-letter queue itself: what lands here is read by an operator, never retried into another queue.';
    Validations.of(queue).acknowledge(
      { id: 'AwsSolutions-SQS3', reason },
      { id: 'Serverless-SQSRedrivePolicy', reason },
    );
    this.alarm(
      `${id}Undelivered`,
      queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      1,
      description,
      ONCE,
    );
    return queue;
  }

  /** The API, every function, the table and the stored value: the alarms of the system as a whole. */
  watch(props: WatchProps) {
    const minute = { period: Duration.minutes(1), statistic: 'Sum' };
    this.alarm(
      'Api5xx',
      props.api.metricServerError(minute),
      5,
      'The API answered 5xx: see docs/operations.md, "The API answers 5xx"',
    );
    for (const [area, fn] of props.areas) this.areaAlarms(area, fn);
    this.jobAlarms(props);
    this.alarm(
      'TapDeclineRate',
      declineRate(),
      TAP_DECLINE_RATE_PERCENT,
      `More than ${TAP_DECLINE_RATE_PERCENT}% of taps declined in a quarter of an hour: see docs/operations.md, "Taps are declined"`,
      ONCE,
    );
    this.tableAlarms(props.table);
    for (const [i, logGroup] of props.storedValueLogs.entries()) this.storedValue(logGroup, i);
  }

  /**
   * An area's 5xx answers (its own metric: the shell answers 500 and the function succeeds, so Lambda's
   * Errors never counts them), the function failing outright (a timeout, a crash), and throttling.
   */
  private areaAlarms(area: string, fn: IFunction) {
    const minute = { period: Duration.minutes(1), statistic: 'Sum' };
    const see = 'see docs/operations.md, "The API answers 5xx"';
    this.alarm(
      `${pascal(area)}Http5xx`,
      emf('Http5xx', { service: area }, minute),
      5,
      `The ${area} area answered 5xx: ${see}`,
    );
    this.alarm(
      `${pascal(area)}Errors`,
      fn.metricErrors(minute),
      1,
      `The ${area} function failed outright (a timeout, a crash): ${see}`,
    );
    this.alarm(
      `${pascal(area)}Throttles`,
      fn.metricThrottles(minute),
      10,
      `The ${area} function ran out of instances (its reserved concurrency, or the account's): see docs/operations.md, "Throttles"`,
    );
  }

  /** A job that failed once, a daily job that has not succeeded in a day, a state machine's run that ended badly. */
  private jobAlarms(props: WatchProps) {
    for (const [job, fn] of props.jobs) {
      this.alarm(
        `${pascal(job)}JobErrors`,
        fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        1,
        `The ${job} job failed: see docs/operations.md, "A job failed"`,
        ONCE,
      );
    }
    for (const { job, service } of props.daily) {
      this.alarm(
        `${pascal(job)}DidNotRun`,
        emf('JobSucceeded', { service, job }, { period: Duration.days(1), statistic: 'Sum' }),
        1,
        `The ${job} job has not succeeded in a day: see docs/operations.md, "A job did not run"`,
        { ...ONCE, comparison: ComparisonOperator.LESS_THAN_THRESHOLD, missing: TreatMissingData.BREACHING },
      );
    }
    for (const [name, machine] of props.machines) {
      const hour = { period: Duration.hours(1), statistic: 'Sum' };
      const ended = new MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: machine.metricFailed(hour),
          timedOut: machine.metricTimedOut(hour),
          aborted: machine.metricAborted(hour),
        },
        period: Duration.hours(1),
        label: `${name} executions failed, timed out or aborted`,
      });
      this.alarm(
        `${pascal(name)}Failed`,
        ended,
        1,
        `A ${name} execution did not finish: see docs/operations.md, "A job failed"`,
        ONCE,
      );
    }
  }

  private tableAlarms(table: TableV2) {
    const throttles = (metricName: string) =>
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: { TableName: table.tableName },
        period: Duration.minutes(1),
        statistic: 'Sum',
      });
    this.alarm(
      'TableWriteThrottles',
      throttles('WriteThrottleEvents'),
      10,
      'DynamoDB throttled writes: taps and payments are being retried and may answer 503',
    );
    this.alarm(
      'TableReadThrottles',
      throttles('ReadThrottleEvents'),
      10,
      'DynamoDB throttled reads: requests are being retried and may answer 503',
    );
  }

  private storedValue(logGroup: ILogGroup, i: number) {
    const filter = new MetricFilter(this, `StoredValueMismatch${i}`, {
      logGroup,
      filterPattern: FilterPattern.literal(`"${STORED_VALUE_ALARM}"`),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'StoredValueMismatch',
      metricValue: '1',
    });
    this.alarm(
      `StoredValueMismatchAlarm${i}`,
      filter.metric({ period: Duration.hours(1), statistic: 'Sum' }),
      1,
      'The stored value outstanding differs from money received less payouts and system accounts: stop payouts and reconcile',
      ONCE,
    );
  }
}

export interface AlarmShape {
  evaluationPeriods?: number;
  datapointsToAlarm?: number;
  comparison?: ComparisonOperator;
  missing?: TreatMissingData;
}

export interface WatchProps {
  api: HttpApi;
  areas: Map<string, IFunction>;
  jobs: Map<string, IFunction>;
  /** Jobs that must succeed every day, by the `service` their metrics carry. */
  daily: { job: string; service: string }[];
  machines: Map<string, StateMachine>;
  table: TableV2;
  storedValueLogs: ILogGroup[];
}

/** A metric the functions write in CloudWatch's embedded format. */
export function emf(
  metricName: string,
  dimensionsMap: Record<string, string>,
  shape: { period: Duration; statistic: string },
) {
  return new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap, ...shape });
}

/** Percent of taps declined over a quarter of an hour (0 without taps). */
function declineRate() {
  const shape = { period: Duration.minutes(15), statistic: 'Sum' };
  return new MathExpression({
    expression: '100 * FILL(declined, 0) / MAX([FILL(declined, 0) + FILL(accepted, 0), 1])',
    usingMetrics: {
      declined: emf('TapsDeclined', { service: 'terminal' }, shape),
      accepted: emf('TapsAccepted', { service: 'terminal' }, shape),
    },
    period: Duration.minutes(15),
    label: 'Taps declined (%)',
  });
}

const pascal = (name: string) => name.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase());
