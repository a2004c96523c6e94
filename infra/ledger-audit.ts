import { Aws, type CfnElement, Duration, Fn, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, MetricFilter, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { ScheduleExpression, Schedule as SchedulerSchedule } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import {
  Choice,
  Condition,
  CustomState,
  DefinitionBody,
  Fail,
  JsonPath,
  LogLevel,
  Pass,
  StateMachine,
  TaskInput,
  Wait,
  WaitTime,
} from 'aws-cdk-lib/aws-stepfunctions';
import { CallAwsService, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE } from '../functions/observability';
import { auditSql } from '../shared/ledger-audit/audit-sql';
import { AUDIT_MISMATCH_ALARM } from '../shared/ledger-audit/audits';
import { AreaFunction } from './area-function';
import { grantTable } from './grants';
import { ONCE, type Operations } from './operations';

export interface LedgerAuditProps {
  table: TableV2;
  /** The export the table's ARN comes under: its exports' ARNs begin with it. */
  tableArnExport: string;
  environment: Record<string, string>;
  /** Where its alarms go and its schedule's dead letters land. */
  ops: Operations;
}

/** What the audit's Glue table reads of each exported item: the attributes the SQL uses, typed as the export writes them. */
const ITEM_COLUMN =
  'struct<pk:struct<s:string>,sk:struct<s:string>,accountid:struct<s:string>,balancefen:struct<n:string>,amountfen:struct<n:string>,balanceafterfen:struct<n:string>,postings:struct<l:array<struct<m:struct<accountid:struct<s:string>,amountfen:struct<n:string>>>>>>';

/** Exports and query results are copies the next audit makes again: kept five weeks, for an inquiry. */
const EXPORT_RETENTION_DAYS = 35;
/** Athena stops a query past this: the audit of a city's years of history scans far less. */
const MAX_BYTES_SCANNED = 200 * 1024 ** 3;

/**
 * The full audit of the ledger on the platform's own engines: a point-in-time export of the table to
 * S3 (DynamoDB writes it, no function scans), the audit's SQL (shared/ledger-audit/audit-sql.ts) on
 * Athena over it, and a function that keeps the result as the latest audit and raises the alarm line
 * on a mismatch. Daily after the business day ends, and whenever an operator starts one.
 */
export class LedgerAudit extends Construct {
  readonly stateMachine: StateMachine;
  /** The function that keeps what Athena found: its errors alarm like every function's. */
  readonly recordFn: AreaFunction['fn'];
  readonly recordLogs: AreaFunction['logGroup'];

  constructor(scope: Construct, id: string, props: LedgerAuditProps) {
    super(scope, id);
    const bucket = new Bucket(this, 'Exports', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(EXPORT_RETENTION_DAYS) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Written only by DynamoDB’s export (ExportTableToPointInTime) and Athena under the audit state machine’s role, read by Athena: CloudTrail’s management events record every export and query; its objects are copies the next audit makes again.',
    });
    const { database, workGroup, query } = this.catalog(bucket);

    const record = new AreaFunction(this, 'Record', {
      entry: 'functions/jobs/audit-record.ts',
      memoryMb: 512,
      timeoutSeconds: 120,
      environment: props.environment,
    });
    this.recordFn = record.fn;
    this.recordLogs = record.logGroup;
    grantTable(props.table, record.fn, AUDIT_RECORD_ACCESS);
    record.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['athena:GetQueryResults', 'athena:GetQueryExecution'],
        resources: [workGroupArn(workGroup.name)],
      }),
    );
    bucket.grantRead(record.fn, 'athena-results/*');
    this.stateMachine = this.pipeline(props, bucket, { database, workGroup: workGroup.name }, query, record.fn);
    acknowledgeWildcards(this, bucket, record.fn, props.tableArnExport);
    this.alarms(props, record.logGroup);
    this.schedule(props);
  }

  /** Export, wait for it, query it, keep the result: each step retried by the state machine, never paying anything. */
  private pipeline(
    props: LedgerAuditProps,
    bucket: Bucket,
    glue: { database: string; workGroup: string },
    query: string,
    record: AreaFunction['fn'],
  ) {
    const { workGroup } = glue;
    const start = new CallAwsService(this, 'Export', {
      service: 'dynamodb',
      action: 'exportTableToPointInTime',
      parameters: {
        TableArn: props.table.tableArn,
        S3Bucket: bucket.bucketName,
        S3Prefix: 'exports',
        ExportFormat: 'DYNAMODB_JSON',
      },
      iamResources: [props.table.tableArn],
      resultSelector: { 'exportArn.$': '$.ExportDescription.ExportArn' },
      resultPath: '$.export',
    });
    const wait = new Wait(this, 'WaitForExport', { time: WaitTime.duration(Duration.minutes(2)) });
    const describe = new CallAwsService(this, 'DescribeExport', {
      service: 'dynamodb',
      action: 'describeExport',
      parameters: { 'ExportArn.$': '$.export.exportArn' },
      iamResources: [`${Fn.importValue(props.tableArnExport)}/export/*`],
      resultSelector: { 'status.$': '$.ExportDescription.ExportStatus' },
      resultPath: '$.describe',
    });
    const exportId = new Pass(this, 'ExportId', {
      parameters: { 'id.$': "States.ArrayGetItem(States.StringSplit($.export.exportArn, '/'), 3)" },
      resultPath: '$.exportId',
    });
    const audit = this.auditState(query, workGroup);
    const keep = new LambdaInvoke(this, 'Keep', {
      lambdaFunction: record,
      payload: TaskInput.fromObject({
        auditId: JsonPath.executionName,
        queryExecutionId: JsonPath.stringAt('$.query.QueryExecution.QueryExecutionId'),
        exportTime: JsonPath.executionStartTime,
      }),
      retryOnServiceExceptions: true,
    });
    const failed = new Fail(this, 'ExportFailed', { error: 'ExportFailed', cause: 'The table’s export failed' });
    const definition = start
      .next(wait)
      .next(describe)
      .next(
        new Choice(this, 'Exported?')
          .when(Condition.stringEquals('$.describe.status', 'COMPLETED'), exportId.next(audit).next(keep))
          .when(Condition.stringEquals('$.describe.status', 'FAILED'), failed)
          .otherwise(wait),
      );
    const logs = new LogGroup(this, 'StateMachineLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL },
    });
    this.grantMachine(machine, bucket, glue);
    return machine;
  }

  /** The Glue table over the exports (one partition per export id), the work group and the audit's named query. */
  private catalog(bucket: Bucket) {
    const stack = Stack.of(this);
    const database = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]/g, '_')}_audit`;
    const glueDb = new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: database, description: 'OneCard ledger exports, for the full audit' },
    });
    const exportsRoot = `s3://${bucket.bucketName}/exports/AWSDynamoDB`;
    const table = new CfnTable(this, 'ExportTable', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: database,
      tableInput: {
        name: 'ledger_export',
        tableType: 'EXTERNAL_TABLE',
        partitionKeys: [{ name: 'export_id', type: 'string' }],
        parameters: {
          'projection.enabled': 'true',
          'projection.export_id.type': 'injected',
          'storage.location.template': `${exportsRoot}/\${export_id}/data/`,
          classification: 'json',
        },
        storageDescriptor: {
          location: `${exportsRoot}/`,
          columns: [{ name: 'item', type: ITEM_COLUMN }],
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
    table.addResourceDependency(glueDb);
    const workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${database}_wg`,
      description: 'The ledger audit’s queries',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        bytesScannedCutoffPerQuery: MAX_BYTES_SCANNED,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
      recursiveDeleteOption: true,
    });
    const query = auditSql(`SELECT item AS i FROM "${database}"."ledger_export" WHERE export_id = ?`);
    new CfnNamedQuery(this, 'AuditQuery', {
      database,
      workGroup: workGroup.name,
      name: 'ledger-audit',
      description: 'The full audit of the ledger over one export: run it with the export id as its parameter',
      queryString: query,
    }).addResourceDependency(workGroup);

    return { database, workGroup, query };
  }

  /**
   * The optimized Athena integration, run to its end (.sync), with the export's id as the query's
   * parameter: written as JSON, since the task construct takes no JSONPath inside its parameter list.
   */
  private auditState(query: string, workGroup: string) {
    return new CustomState(this, 'Audit', {
      stateJson: {
        Type: 'Task',
        Resource: `arn:${Aws.PARTITION}:states:::athena:startQueryExecution.sync`,
        Parameters: {
          QueryString: query,
          WorkGroup: workGroup,
          'ExecutionParameters.$': 'States.Array($.exportId.id)',
        },
        ResultPath: '$.query',
        Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 60, MaxAttempts: 2, BackoffRate: 2 }],
      },
    });
  }

  /** What the state machine's own role may do: the bucket's two prefixes, its work group, its Glue table. */
  private grantMachine(machine: StateMachine, bucket: Bucket, glue: { database: string; workGroup: string }) {
    const { workGroup } = glue;
    bucket.grantReadWrite(machine, 'exports/*');
    bucket.grantReadWrite(machine, 'athena-results/*');
    machine.addToRolePolicy(
      new PolicyStatement({
        actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:StopQueryExecution'],
        resources: [workGroupArn(workGroup)],
      }),
    );
    // What .sync polls with: Step Functions' own managed rule for Athena jobs.
    machine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [
          `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/StepFunctionsGetEventsForAthenaQueryExecutionRule`,
        ],
      }),
    );
    machine.addToRolePolicy(
      new PolicyStatement({
        actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetPartitions'],
        resources: [
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:catalog`,
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:database/${glue.database}`,
          `arn:${Aws.PARTITION}:glue:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/${glue.database}/ledger_export`,
        ],
      }),
    );
  }

  /** An audit that finds a mismatch, or that fails, wakes someone. */
  private alarms(props: LedgerAuditProps, recordLogs: LogGroup) {
    const mismatch = new MetricFilter(this, 'MismatchFilter', {
      logGroup: recordLogs,
      filterPattern: FilterPattern.literal(`"${AUDIT_MISMATCH_ALARM}"`),
      metricNamespace: METRIC_NAMESPACE,
      metricName: 'LedgerAuditMismatch',
      metricValue: '1',
    });
    const hour = { period: Duration.hours(1), statistic: 'Sum' };
    props.ops.alarm(
      'LedgerAuditMismatch',
      mismatch.metric(hour),
      1,
      'The full audit found the ledger unbalanced: see docs/operations.md, "The audit found a mismatch"',
      ONCE,
    );
    props.ops.alarm(
      'LedgerAuditFailed',
      this.stateMachine.metricFailed(hour),
      1,
      'A full audit of the ledger failed (its export or its query): see docs/operations.md, "A job failed"',
      ONCE,
    );
  }

  /** Daily at 04:30 in Shanghai, after the business day ends: the day's last movements are in. */
  private schedule(props: LedgerAuditProps) {
    const role = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    new SchedulerSchedule(this, 'Daily', {
      schedule: ScheduleExpression.expression('cron(30 4 * * ? *)', TimeZone.ASIA_SHANGHAI),
      target: new StepFunctionsStartExecution(this.stateMachine, {
        role,
        retryAttempts: 2,
        deadLetterQueue: props.ops.deadLetters(
          'LedgerAudit',
          'The daily full audit of the ledger could not be started (see docs/operations.md, "A job did not run")',
        ),
      }),
      description: 'OneCard full ledger audit',
    });
  }
}

/** The audit's function keeps each result and moves the latest pointer: those two partitions only. */
const AUDIT_RECORD_ACCESS = {
  access: 'read-write' as const,
  leadingKeys: ['LEDGERAUDIT', 'LEDGERAUDIT#*'],
  indexes: [],
  why: 'the completed audits and the latest one',
};

const workGroupArn = (name: string) => `arn:${Aws.PARTITION}:athena:${Aws.REGION}:${Aws.ACCOUNT_ID}:workgroup/${name}`;

/**
 * The wildcards this construct's grants hold, each for its reason: object keys of the construct's
 * own bucket that DynamoDB and Athena name themselves, the exports of the one table, the log and
 * trace delivery a state machine needs (which IAM grants on no narrower resource), and the versions
 * of the one function the state machine invokes.
 */
function acknowledgeWildcards(scope: Construct, bucket: Bucket, record: AreaFunction['fn'], tableArnExport: string) {
  const stack = Stack.of(scope);
  const logicalId = (c: Construct) => stack.getLogicalId(c.node.defaultChild as CfnElement);
  const bucketArn = `<${logicalId(bucket)}.Arn>`;
  const reasons: [string, string][] = [
    ['Action::s3:GetObject*', 'Reading the audit bucket’s own exports and query results'],
    ['Action::s3:GetBucket*', 'Athena and the export check the audit bucket they write to'],
    ['Action::s3:List*', 'Athena lists the export’s data files under one export’s prefix'],
    ['Action::s3:DeleteObject*', 'Athena replaces a failed query’s partial results in its own prefix'],
    ['Action::s3:Abort*', 'DynamoDB’s export and Athena abort their own multipart uploads'],
    [`Resource::${bucketArn}/exports/*`, 'DynamoDB names each export’s objects itself, under exports/'],
    [`Resource::${bucketArn}/athena-results/*`, 'Athena names each query’s result objects itself'],
    ['Resource::*', 'Step Functions delivers its logs and X-Ray traces through actions IAM grants on * only'],
    [
      `Resource::<${logicalId(record)}.Arn>:*`,
      'The state machine invokes the audit’s one function, any of its versions',
    ],
    [
      `Resource::${tableArnExport}/export/*`,
      'DescribeExport names the exports of the one table, each by the id DynamoDB gives it',
    ],
  ];
  for (const [finding, reason] of reasons) {
    Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
  }
}
