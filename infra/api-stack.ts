import { Aws, type CfnElement, CfnOutput, Fn, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { HttpApi, type HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { type IRole, Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { ScheduleExpression, Schedule as SchedulerSchedule } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { SecretName } from '../shared/secrets/secrets';
import { AllowanceMachine } from './allowance-machine';
import { ApiStage } from './api-stage';
import { AreaFunction } from './area-function';
import { AREAS, JOBS } from './areas';
import { grantKeys, grantTable } from './grants';
import { LedgerAudit } from './ledger-audit';
import { OperatorAlarms } from './operator-alarms';
import { MAIN_TABLE } from './tables';

export interface ApiStackProps extends StackProps {
  table: TableV2;
  signingKeys: Key[];
  topupWebhookSecret: Secret;
  residentIdPepper: Secret;
  loginKey: Secret;
  signerRole: IRole;
  /** The export the data stack gives the reports bucket's ARN under. */
  reportsArnExport: string;
  /** The export the data stack gives the table's ARN under. */
  tableArnExport: string;
  /** `iss` of every token the API signs. */
  issuer: string;
  /** Requests per second the whole API takes, steady and in bursts; beyond it API Gateway answers 429. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Where alarms go (an SNS topic's ARN); none: the alarms exist and show in the console. */
  alarmTopicArn?: string;
}

/** The stateless half: the HTTP API, one function per area, and the scheduled jobs. */
export class ApiStack extends Stack {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const environment = {
      ONECARD_STAGE: 'cloud',
      TABLE_NAME: props.table.tableName,
      ONECARD_ISSUER: props.issuer,
      SIGNING_KEY_IDS: props.signingKeys.map((k) => k.keyArn).join(','),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    this.api = new HttpApi(this, 'Api', { description: 'OneCard public API', createDefaultStage: false });
    new ApiStage(this, 'Stage', { api: this.api, ...props.throttle });
    const iam = new HttpIamAuthorizer();

    const secrets: Record<SecretName, { secret: Secret; env: string }> = {
      topupWebhook: { secret: props.topupWebhookSecret, env: 'ONECARD_TOPUP_WEBHOOK_SECRET_ARN' },
      residentIdPepper: { secret: props.residentIdPepper, env: 'ONECARD_RESIDENT_ID_PEPPER_ARN' },
      loginKey: { secret: props.loginKey, env: 'ONECARD_LOGIN_KEY_ARN' },
    };

    // Imported, so that what the API grants it (the table, its secret, its logs) is written here, not
    // into the data stack, which must not depend on the API.
    const signerRole = Role.fromRoleArn(this, 'SignerRole', props.signerRole.roleArn, { mutable: true });

    const indexNames = MAIN_TABLE.globalIndexes.map((i) => i.indexName);
    const reports: Reports = {
      arn: Fn.importValue(props.reportsArnExport),
      export: props.reportsArnExport,
      // arn:<partition>:s3:::<name>
      name: Fn.select(5, Fn.split(':', Fn.importValue(props.reportsArnExport))),
    };
    // Said once for the whole API: only operator routes are authorized by API Gateway (IAM).
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'By design the other routes authenticate inside their function, per request: citizens with ES256 access tokens (alg, typ, issuer, audience and lifetime pinned), terminals, POS and billers with single-use ES256 assertions under the key an operator registered, checked against their scope; the top-up webhook by its HMAC signature; health, JWKS, OpenAPI and docs are public on purpose.',
    });

    const alarmActions: IAlarmAction[] = props.alarmTopicArn
      ? [new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn))]
      : [];
    const audit = new LedgerAudit(this, 'LedgerAudit', {
      table: props.table,
      tableArnExport: props.tableArnExport,
      environment,
      indexNames,
      alarmActions,
    });

    const functions: NodejsFunction[] = [audit.recordFn];
    const areaFunctions = new Map<string, NodejsFunction>();
    const storedValueLogs: ILogGroup[] = [];
    for (const area of AREAS) {
      // Each area learns where its secrets are (their ARNs) and may read only those, at run time.
      const secretArns = Object.fromEntries(area.secrets.map((n) => [secrets[n].env, secrets[n].secret.secretArn]));
      const { fn, logGroup } = new AreaFunction(this, `${pascal(area.name)}Area`, {
        entry: area.entry,
        memoryMb: area.memoryMb,
        timeoutSeconds: area.timeoutSeconds,
        environment: {
          ...environment,
          ...secretArns,
          ...(area.writesReports ? { REPORTS_BUCKET: reports.name } : {}),
          ...(area.startsAudits ? { LEDGER_AUDIT_STATE_MACHINE_ARN: audit.stateMachine.stateMachineArn } : {}),
        },
        ...(area.keys === 'sign' ? { role: signerRole } : {}),
        ...(area.auditLogs ? { auditLogs: true } : {}),
      });
      grantTable(props.table, fn, area.table, indexNames);
      grantKeys(props.signingKeys, fn, area.keys);
      for (const name of area.secrets) secrets[name].secret.grantRead(fn);
      if (area.writesReports) {
        // Operators download reports through links their function signs: it reads what it links to.
        grantReports(this, `${pascal(area.name)}Area`, reports, fn, area.iamAuth === true);
        storedValueLogs.push(logGroup);
      }
      if (area.name === 'citizen') fn.addToRolePolicy(smsPolicy());
      if (area.startsAudits) audit.stateMachine.grantStartExecution(fn);
      areaFunctions.set(area.name, fn);
      functions.push(fn);
      const integration = new HttpLambdaIntegration(`${pascal(area.name)}Integration`, fn);
      for (const route of area.routes) {
        const [method, path] = route.split(' ') as [string, string];
        this.api.addRoutes({
          path,
          methods: [method as HttpMethod],
          integration,
          ...(area.iamAuth ? { authorizer: iam } : {}),
        });
      }
    }

    for (const job of JOBS) {
      const { fn, logGroup } = new AreaFunction(this, `${pascal(job.name)}Job`, {
        entry: job.entry,
        memoryMb: 512,
        timeoutSeconds: job.timeoutSeconds ?? 60,
        environment: { ...environment, ...(job.writesReports ? { REPORTS_BUCKET: reports.name } : {}) },
      });
      grantTable(props.table, fn, job.table, indexNames);
      grantKeys(props.signingKeys, fn, job.keys);
      if (job.writesReports) {
        grantReports(this, `${pascal(job.name)}Job`, reports, fn);
        storedValueLogs.push(logGroup);
      }
      functions.push(fn);
      if (job.stateMachine === 'allowance-run' && 'shanghaiCron' in job.schedule) {
        // The run's steps, planned and paid in parallel chunks by a state machine of its own.
        const machine = new AllowanceMachine(this, `${pascal(job.name)}Run`, {
          steps: fn,
          shanghaiCron: job.schedule.shanghaiCron,
        });
        for (const area of AREAS.filter((a) => a.startsAudits)) {
          const starter = areaFunctions.get(area.name)!;
          starter.addEnvironment('ALLOWANCE_STATE_MACHINE_ARN', machine.stateMachine.stateMachineArn);
          machine.stateMachine.grantStartExecution(starter);
        }
      } else if ('rate' in job.schedule) {
        new Rule(this, `${pascal(job.name)}Schedule`, {
          schedule: Schedule.expression(job.schedule.rate),
          targets: [new LambdaFunction(fn)],
        });
      } else {
        // EventBridge Scheduler: a cron in the city's own time zone, whatever the region's clock.
        const role = new Role(this, `${pascal(job.name)}SchedulerRole`, {
          assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
        });
        new SchedulerSchedule(this, `${pascal(job.name)}Schedule`, {
          schedule: ScheduleExpression.expression(job.schedule.shanghaiCron, TimeZone.ASIA_SHANGHAI),
          target: new LambdaInvoke(fn, { retryAttempts: 2, role }),
          description: `OneCard ${job.name} job`,
        });
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
          reason:
            'The scheduler may invoke this one job function; the grant names the function and its versions (arn:*).',
        });
      }
    }
    new OperatorAlarms(this, 'Alarms', {
      api: this.api,
      functions,
      table: props.table,
      topicArn: props.alarmTopicArn,
      storedValueLogs,
    });
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}

/**
 * Writing reports: s3:PutObject under `settlement/` only, in a policy of its own so that its one
 * wildcard (the key prefix) is acknowledged alone.
 */
interface Reports {
  arn: string;
  export: string;
  name: string;
}

function grantReports(scope: Construct, id: string, reports: Reports, fn: { role?: IRole }, reads = false) {
  const policy = new Policy(scope, `${id}ReportsPolicy`, {
    statements: [
      new PolicyStatement({
        actions: reads ? ['s3:PutObject', 's3:GetObject'] : ['s3:PutObject'],
        resources: [`${reports.arn}/settlement/*`, `${reports.arn}/allowance/*`],
      }),
    ],
  });
  if (fn.role) policy.attachToRole(fn.role);
  for (const prefix of ['settlement', 'allowance']) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${reports.export}/${prefix}/*]`,
      reason: `Reports are written under the ${prefix}/ prefix of the reports bucket, one object per run.`,
    });
  }
}

function pascal(name: string) {
  return name.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase());
}

/** SMS to a phone number has no topic ARN to scope to, so sns:Publish is denied on every topic instead. */
function smsPolicy() {
  return new PolicyStatement({
    actions: ['sns:Publish'],
    // The stack's own partition: in China regions ARNs begin arn:aws-cn.
    notResources: [`arn:${Aws.PARTITION}:sns:*:*:*`],
  });
}
