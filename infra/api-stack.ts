import { Aws, type CfnElement, CfnOutput, Fn, Stack, type StackProps, TimeZone, Validations } from 'aws-cdk-lib';
import { HttpApi, type HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
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
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { SecretName } from '../shared/secrets/secrets';
import { AllowanceMachine } from './allowance-machine';
import { ApiStage } from './api-stage';
import { AreaFunction } from './area-function';
import { AREAS, type AreaDefinition, JOBS, type JobDefinition, type ReportFolder } from './areas';
import { CityDashboard } from './dashboard';
import { grantKeys, grantTable } from './grants';
import { LedgerAudit } from './ledger-audit';
import { Operations } from './operations';

export interface ApiStackProps extends StackProps {
  table: TableV2;
  signingKeys: Key[];
  topupWebhookSecret: Secret;
  residentIdPepper: Secret;
  loginKey: Secret;
  pseudonymKey: Secret;
  signerRole: IRole;
  /** The export the data stack gives the reports bucket's ARN under. */
  reportsArnExport: string;
  /** The export the data stack gives the table's ARN under. */
  tableArnExport: string;
  /** `iss` of every token the API signs. */
  issuer: string;
  /** Requests per second the whole API takes, steady and in bursts; beyond it API Gateway answers 429. */
  throttle?: { rateLimit: number; burstLimit: number };
  /** Who the alarms mail (the stack's `alarmEmail` context value). */
  alarmEmail?: string | undefined;
  /** A topic of the city's own (a pager's) that every alarm notifies too. */
  alarmTopicArn?: string | undefined;
}

/** A function the stack made, with the logs it writes. */
interface Made {
  fn: NodejsFunction;
  logGroup: ILogGroup;
}

/**
 * The stateless half: the HTTP API, one function per area, the scheduled jobs, and what the on-call
 * engineer sees of them (alarms that reach someone, the dashboard, the runbook's saved queries).
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  private readonly ops: Operations;
  private readonly functionEnv: Record<string, string>;
  private readonly reports: Reports;
  /** Written by every report maker: the stored-value check's alarm reads them. */
  private readonly storedValueLogs: ILogGroup[] = [];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    this.functionEnv = {
      ONECARD_STAGE: 'cloud',
      TABLE_NAME: props.table.tableName,
      ONECARD_ISSUER: props.issuer,
      SIGNING_KEY_IDS: props.signingKeys.map((k) => k.keyArn).join(','),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    this.reports = {
      arn: Fn.importValue(props.reportsArnExport),
      export: props.reportsArnExport,
      // arn:<partition>:s3:::<name>
      name: Fn.select(5, Fn.split(':', Fn.importValue(props.reportsArnExport))),
    };
    this.api = new HttpApi(this, 'Api', { description: 'OneCard public API', createDefaultStage: false });
    new ApiStage(this, 'Stage', { api: this.api, ...props.throttle });
    this.ops = new Operations(this, 'Operations', { alarmEmail: props.alarmEmail, alarmTopicArn: props.alarmTopicArn });
    const audit = new LedgerAudit(this, 'LedgerAudit', {
      table: props.table,
      tableArnExport: props.tableArnExport,
      environment: this.functionEnv,
      ops: this.ops,
    });
    const areas = this.areaFunctions(props, audit);
    const { jobs, machines } = this.jobFunctions(props, areas);
    this.watch(
      props,
      areas,
      new Map([...jobs, ['audit-record', { fn: audit.recordFn, logGroup: audit.recordLogs }]]),
      machines,
    );
    acknowledgeOnce(this);
    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }

  /** One function per area, with exactly its grants, behind its routes. */
  private areaFunctions(props: ApiStackProps, audit: LedgerAudit): Map<string, Made> {
    const secrets: Record<SecretName, { secret: Secret; env: string }> = {
      topupWebhook: { secret: props.topupWebhookSecret, env: 'ONECARD_TOPUP_WEBHOOK_SECRET_ARN' },
      residentIdPepper: { secret: props.residentIdPepper, env: 'ONECARD_RESIDENT_ID_PEPPER_ARN' },
      loginKey: { secret: props.loginKey, env: 'ONECARD_LOGIN_KEY_ARN' },
      pseudonymKey: { secret: props.pseudonymKey, env: 'ONECARD_PSEUDONYM_KEY_ARN' },
    };
    // Imported, so that what the API grants it (the table, its secret, its logs) is written here, not
    // into the data stack, which must not depend on the API.
    const signerRole = Role.fromRoleArn(this, 'SignerRole', props.signerRole.roleArn, { mutable: true });
    const iam = new HttpIamAuthorizer();
    const made = new Map<string, Made>();
    for (const area of AREAS) {
      // Each area learns where its secrets are (their ARNs) and may read only those, at run time.
      const secretArns = Object.fromEntries(area.secrets.map((n) => [secrets[n].env, secrets[n].secret.secretArn]));
      const { fn, logGroup } = new AreaFunction(this, `${pascal(area.name)}Area`, {
        entry: area.entry,
        memoryMb: area.memoryMb,
        timeoutSeconds: area.timeoutSeconds,
        environment: {
          ...this.functionEnv,
          ...secretArns,
          ...(area.reports ? { REPORTS_BUCKET: this.reports.name } : {}),
          ...(area.startsAudits ? { LEDGER_AUDIT_STATE_MACHINE_ARN: audit.stateMachine.stateMachineArn } : {}),
        },
        ...(area.keys === 'sign' ? { role: signerRole } : {}),
        ...(area.auditLogs ? { auditLogs: true } : {}),
        ...(area.reservedConcurrency ? { reservedConcurrency: area.reservedConcurrency } : {}),
      });
      this.grant(props, fn, area, logGroup, area.iamAuth === true);
      // The value only: secretsmanager:DescribeSecret (in grantRead) is nothing the code asks.
      for (const name of area.secrets) {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['secretsmanager:GetSecretValue'],
            resources: [secrets[name].secret.secretArn],
          }),
        );
      }
      if (area.name === 'citizen') fn.addToRolePolicy(smsPolicy());
      if (area.startsAudits) audit.stateMachine.grantStartExecution(fn);
      made.set(area.name, { fn, logGroup });
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
    return made;
  }

  /** The table, the keys and the reports a function's definition names. */
  private grant(
    props: ApiStackProps,
    fn: NodejsFunction,
    def: AreaDefinition | JobDefinition,
    logs: ILogGroup,
    reads = false,
  ) {
    const id = `${pascal(def.name)}${'routes' in def ? 'Area' : 'Job'}`;
    grantTable(props.table, fn, def.table);
    grantKeys(props.signingKeys, fn, def.keys);
    if (!def.reports) return;
    // Operators download reports through links their function signs: it reads what it links to.
    grantReports(this, id, this.reports, def.reports, fn, reads);
    this.storedValueLogs.push(logs);
  }

  /** The scheduled jobs: each started by its schedule, whose failures land in a dead-letter queue. */
  private jobFunctions(props: ApiStackProps, areas: Map<string, Made>) {
    const jobs = new Map<string, Made>();
    const machines = new Map<string, StateMachine>();
    for (const job of JOBS) {
      const id = `${pascal(job.name)}Job`;
      // What its schedule could not start, and what failed every retry once started, with its error.
      const deadLetterQueue = this.ops.deadLetters(id, jobDidNotRun(job.name));
      const { fn, logGroup } = new AreaFunction(this, id, {
        entry: job.entry,
        memoryMb: 512,
        timeoutSeconds: job.timeoutSeconds ?? 60,
        environment: { ...this.functionEnv, ...(job.reports ? { REPORTS_BUCKET: this.reports.name } : {}) },
        ...(job.moneyLogs ? { moneyLogs: true } : {}),
        onFailure: deadLetterQueue,
      });
      this.grant(props, fn, job, logGroup);
      jobs.set(job.name, { fn, logGroup });
      if (job.stateMachine === 'allowance-run' && 'shanghaiCron' in job.schedule) {
        // The run's steps, planned and paid in parallel chunks by a state machine of its own.
        const machine = new AllowanceMachine(this, `${pascal(job.name)}Run`, {
          steps: fn,
          shanghaiCron: job.schedule.shanghaiCron,
          deadLetters: deadLetterQueue,
        });
        for (const area of AREAS.filter((a) => a.startsAudits)) {
          const starter = areas.get(area.name)!.fn;
          starter.addEnvironment('ALLOWANCE_STATE_MACHINE_ARN', machine.stateMachine.stateMachineArn);
          machine.stateMachine.grantStartExecution(starter);
        }
        machines.set(`${job.name}-run`, machine.stateMachine);
      } else if ('rate' in job.schedule) {
        new Rule(this, `${pascal(job.name)}Schedule`, {
          schedule: Schedule.expression(job.schedule.rate),
          targets: [new LambdaFunction(fn, { deadLetterQueue, retryAttempts: 2 })],
        });
      } else {
        this.cityTimeSchedule(job, fn, deadLetterQueue);
      }
    }
    return { jobs, machines };
  }

  /** EventBridge Scheduler: a cron in the city's own time zone, whatever the region's clock. */
  private cityTimeSchedule(
    job: JobDefinition,
    fn: NodejsFunction,
    deadLetterQueue: ReturnType<Operations['deadLetters']>,
  ) {
    if (!('shanghaiCron' in job.schedule)) return;
    const role = new Role(this, `${pascal(job.name)}SchedulerRole`, {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com'),
    });
    new SchedulerSchedule(this, `${pascal(job.name)}Schedule`, {
      schedule: ScheduleExpression.expression(job.schedule.shanghaiCron, TimeZone.ASIA_SHANGHAI),
      target: new LambdaInvoke(fn, { retryAttempts: 2, role, deadLetterQueue }),
      description: `OneCard ${job.name} job`,
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(fn.node.defaultChild as CfnElement)}.Arn>:*]`,
      reason: 'The scheduler may invoke this one job function; the grant names the function and its versions (arn:*).',
    });
  }

  /** The alarms of the whole system, and the dashboard beside them. */
  private watch(
    props: ApiStackProps,
    areas: Map<string, Made>,
    jobs: Map<string, Made>,
    machines: Map<string, StateMachine>,
  ) {
    const fns = (made: Map<string, Made>) => new Map([...made].map(([name, m]) => [name, m.fn]));
    this.ops.watch({
      api: this.api,
      areas: fns(areas),
      jobs: fns(jobs),
      // Every day's jobs, by the service their JobSucceeded metric carries; the allowance is monthly
      // (its schedule's dead letters and its run's failure alarm say it did not run).
      daily: [
        { job: 'settlement', service: 'settlement' },
        { job: 'rotate-keys', service: 'rotate-keys' },
        { job: 'audit', service: 'audit-record' },
      ],
      machines,
      table: props.table,
      storedValueLogs: this.storedValueLogs,
    });
    new CityDashboard(this, 'Dashboard', {
      api: this.api,
      table: props.table,
      areaLogs: new Map([...areas].map(([name, m]) => [name, m.logGroup])),
      jobLogs: [...jobs.values()].map((m) => m.logGroup),
    });
  }
}

const jobDidNotRun = (job: string) =>
  `The ${job} job did not run: its schedule could not start it, or it failed every retry (see docs/operations.md, "A job did not run")`;

/** Findings said once for the whole stack, each with its reason. */
function acknowledgeOnce(stack: Stack) {
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'By design the other routes authenticate inside their function, per request: citizens with ES256 access tokens (alg, typ, issuer, audience and lifetime pinned), terminals, POS and billers with single-use ES256 assertions under the key an operator registered, checked against their scope; the top-up webhook by its HMAC signature; health, JWKS, OpenAPI and docs are public on purpose.',
  });
}

interface Reports {
  arn: string;
  export: string;
  name: string;
}

/**
 * Writing reports: s3:PutObject (and for operators s3:GetObject) under the writer's own folders only,
 * in a policy of its own so that its wildcards (the key prefixes) are acknowledged alone.
 */
function grantReports(
  scope: Construct,
  id: string,
  reports: Reports,
  folders: ReportFolder[],
  fn: { role?: IRole },
  reads: boolean,
) {
  const policy = new Policy(scope, `${id}ReportsPolicy`, {
    statements: [
      new PolicyStatement({
        actions: reads ? ['s3:PutObject', 's3:GetObject'] : ['s3:PutObject'],
        resources: folders.map((folder) => `${reports.arn}/${folder}/*`),
      }),
    ],
  });
  if (fn.role) policy.attachToRole(fn.role);
  for (const folder of folders) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${reports.export}/${folder}/*]`,
      reason: `Reports are written under the ${folder}/ prefix of the reports bucket, one object per run.`,
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
