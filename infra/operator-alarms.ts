import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, type IAlarmAction, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, type ILogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { STORED_VALUE_ALARM } from '../shared/settlement/daily-report';

export interface OperatorAlarmsProps {
  api: HttpApi;
  functions: IFunction[];
  table: TableV2;
  topicArn?: string | undefined;
  /** Logs where the daily report says the stored value does not balance (STORED_VALUE_MISMATCH). */
  storedValueLogs?: ILogGroup[];
}

/**
 * What should wake an operator: the API answering 5xx (a 500 is a defect, a 503 is DynamoDB pushing
 * back), any function erroring, and DynamoDB throttling writes (money movements retried, then 503).
 */
export class OperatorAlarms extends Construct {
  constructor(scope: Construct, id: string, props: OperatorAlarmsProps) {
    super(scope, id);
    const actions: IAlarmAction[] = props.topicArn
      ? [new SnsAction(Topic.fromTopicArn(this, 'Topic', props.topicArn))]
      : [];
    const alarm = (name: string, metric: Metric, threshold: number, description: string) => {
      const a = new Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      for (const action of actions) a.addAlarmAction(action);
    };
    const perMinute = { period: Duration.minutes(1), statistic: 'Sum' };
    alarm(
      'Api5xx',
      props.api.metricServerError(perMinute),
      5,
      'The API answered 5xx: a 500 is a defect to fix, a 503 is DynamoDB pushing back',
    );
    for (const fn of props.functions) {
      // Named after the area's construct (CitizenArea, ...), so reordering areas keeps each alarm.
      const owner = fn.node.scope?.node.id ?? fn.node.id;
      alarm(`${owner}Errors`, fn.metricErrors(perMinute), 1, `Function ${owner} threw`);
    }
    alarm(
      'TableWriteThrottles',
      new Metric({
        namespace: 'AWS/DynamoDB',
        metricName: 'WriteThrottleEvents',
        dimensionsMap: { TableName: props.table.tableName },
        ...perMinute,
      }),
      10,
      'DynamoDB throttled writes: taps and payments are being retried and may answer 503',
    );
    (props.storedValueLogs ?? []).forEach((logGroup, i) => {
      const filter = new MetricFilter(this, `StoredValueMismatch${i}`, {
        logGroup,
        filterPattern: FilterPattern.literal(`"${STORED_VALUE_ALARM}"`),
        metricNamespace: 'OneCard',
        metricName: 'StoredValueMismatch',
        metricValue: '1',
      });
      const a = new Alarm(this, `StoredValueMismatchAlarm${i}`, {
        metric: filter.metric({ period: Duration.hours(1), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription:
          'The stored value outstanding differs from money received less payouts and system accounts: stop payouts and reconcile',
      });
      for (const action of actions) a.addAlarmAction(action);
    });
  }
}
