import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS, HTTP_TIMEOUT_SECONDS, JOBS } from '../../infra/areas';
import { buildStacks } from '../../infra/stacks';
import { WEB_CSP } from '../../infra/web/serve';
import { auditSql } from '../../shared/ledger-audit/audit-sql';

let outdir: string;
let data: Template;
let api: Template;
let web: Template;

beforeAll(() => {
  // Prepare: synthesize without bundling (esbuild runs in `cdk synth`, not here) into a temp folder.
  outdir = mkdtempSync(join(tmpdir(), 'onecard-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildStacks(app, {
    stage: 'test',
    env: { account: '123456789012', region: 'cn-north-1' },
    issuer: 'https://onecard.test',
    alarmEmail: 'oncall@example.cn',
  });
  data = Template.fromStack(stacks.data);
  api = Template.fromStack(stacks.api);
  web = Template.fromStack(stacks.web);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

type Statement = { Action: string | string[]; Condition?: unknown };

/** The policy statements attached to the role of the function whose construct id starts with `id`. */
function policiesOf(id: string): Statement[] {
  const functions = api.findResources('AWS::Lambda::Function');
  const fnKey = Object.keys(functions).find((k) => k.startsWith(`${id}Fn`))!;
  const roleRef = JSON.stringify(functions[fnKey]!.Properties.Role);
  const roleId = /"Fn::GetAtt":\["([^"]+)"/.exec(roleRef)?.[1];
  const imported = roleRef.includes('ImportValue') || roleRef.includes('Fn::Select');
  return Object.values(api.findResources('AWS::IAM::Policy'))
    .filter((p) => {
      const roles = JSON.stringify(p.Properties.Roles);
      return roleId ? roles.includes(`"${roleId}"`) : imported && roles.includes('CredentialSignerRole');
    })
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('data stack', () => {
  it('keeps every stateful resource under its logical id, retained', () => {
    // Renaming any of these constructs would make CloudFormation replace the resource: the ledger,
    // the signing keys terminals trust, or the secrets the provider and the id hashes depend on.
    const resources = data.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
    const STATEFUL = ['AWS::DynamoDB::GlobalTable', 'AWS::KMS::Key', 'AWS::SecretsManager::Secret', 'AWS::S3::Bucket'];
    const stateful = Object.entries(resources).filter(([, r]) => STATEFUL.includes(r.Type));
    expect(stateful.map(([id, r]) => [r.Type, id, r.DeletionPolicy])).toEqual([
      ['AWS::DynamoDB::GlobalTable', 'Main54E5BC70', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyA8F3218BB', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyB9DF970C5', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyC3D2520A3', 'Retain'],
      ['AWS::SecretsManager::Secret', 'TopupWebhookSecret5B22523E', 'Retain'],
      ['AWS::SecretsManager::Secret', 'ResidentIdPepperF992DB82', 'Retain'],
      ['AWS::SecretsManager::Secret', 'LoginKey2FEC57DB', 'Retain'],
      ['AWS::SecretsManager::Secret', 'PseudonymKey2CD808DE', 'Retain'],
      ['AWS::S3::Bucket', 'ReportsAccessLogs9B0465D3', 'Retain'],
      ['AWS::S3::Bucket', 'Reports65402A0A', 'Retain'],
    ]);
  });

  it('keeps the table under its logical id, retained, with point-in-time recovery, encryption and TTL', () => {
    const tables = data.findResources('AWS::DynamoDB::GlobalTable');
    expect(Object.keys(tables)).toEqual([expect.stringMatching(/^Main[0-9A-F]{8}$/)]);
    const [logicalId] = Object.keys(tables);
    // The logical id is part of the data: renaming the construct would replace the ledger.
    expect(logicalId).toBe('Main54E5BC70');
    data.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
        Replicas: [
          Match.objectLike({
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ],
        GlobalSecondaryIndexes: [
          Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
          Match.objectLike({ IndexName: 'gsi2', Projection: { ProjectionType: 'ALL' } }),
          Match.objectLike({ IndexName: 'gsi3', Projection: { ProjectionType: 'KEYS_ONLY' } }),
        ],
      }),
    });
  });

  it('has three retained ECC P-256 signing keys and no hard-coded physical names', () => {
    data.resourcePropertiesCountIs('AWS::KMS::Key', { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }, 3);
    for (const key of Object.values(data.findResources('AWS::KMS::Key'))) expect(key.DeletionPolicy).toBe('Retain');
    const table = Object.values(data.findResources('AWS::DynamoDB::GlobalTable'))[0]!;
    expect(table.Properties.TableName).toBeUndefined();
  });
});

describe('api stack', () => {
  it('has one arm64 Node 22 function per area, traced, each with a month of logs (longer for audit and money)', () => {
    // And the full audit's function, which keeps what Athena found.
    api.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } },
      AREAS.length + JOBS.length + 1,
    );
    const monthly = AREAS.filter((a) => !a.auditLogs).length + JOBS.filter((j) => !j.moneyLogs).length + 1;
    api.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, monthly);
    // The logs of the jobs that pay explain money records: kept as long as those (ten years), retained.
    const money = Object.values(api.findResources('AWS::Logs::LogGroup')).filter(
      (g) => g.Properties.RetentionInDays === 3653,
    );
    expect(money).toHaveLength(JOBS.filter((j) => j.moneyLogs).length);
    for (const g of money) expect(g.DeletionPolicy).toBe('Retain');
  });

  it('stops every HTTP function before API Gateway gives up on it, and keeps instances for operators', () => {
    const functions = api.findResources('AWS::Lambda::Function');
    const fnOf = (id: string) => Object.entries(functions).find(([key]) => key.startsWith(`${id}Fn`))![1];
    for (const area of AREAS) {
      const fn = fnOf(`${area.name.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase())}Area`);
      // API Gateway answers 503 at 30 s; a function working on past that works for no one.
      expect(fn.Properties.Timeout, area.name).toBeLessThanOrEqual(HTTP_TIMEOUT_SECONDS);
      expect(fn.Properties.ReservedConcurrentExecutions, area.name).toBe(area.reservedConcurrency);
    }
    // The flood (taps) is bounded; the operators' area keeps instances of its own whatever it does.
    expect(fnOf('TerminalArea').Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
    expect(fnOf('AdminArea').Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
  });

  it('routes every area path, and puts IAM in front of the operator routes', () => {
    for (const area of AREAS) {
      for (const route of area.routes) {
        api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
          RouteKey: route,
          ...(area.iamAuth ? { AuthorizationType: 'AWS_IAM' } : {}),
        });
      }
    }
  });

  it('lets only the signer role sign, by the keys’ own policies, and grants the signing half to no one else', () => {
    const signer = Object.keys(data.findResources('AWS::IAM::Role'))[0]!;
    for (const key of Object.values(data.findResources('AWS::KMS::Key'))) {
      const statements = key.Properties.KeyPolicy.Statement as { Sid?: string; Effect: string; Condition?: unknown }[];
      const deny = statements.find((st) => st.Sid === 'OnlyTheSignerSigns')!;
      expect(deny).toMatchObject({ Effect: 'Deny', Action: 'kms:Sign', Principal: { AWS: '*' } });
      expect(JSON.stringify(deny.Condition)).toContain(signer);
    }
    const signing = Object.values(api.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('kms:Sign'),
    );
    expect(signing).toHaveLength(1);
    expect(JSON.stringify(signing[0]!.Properties.Roles)).toContain('CredentialSignerRole');
  });

  it('keeps secrets out of every environment: ARNs only, read at run time by the areas that need them', () => {
    const functions = Object.values(api.findResources('AWS::Lambda::Function'));
    for (const f of functions) {
      const vars = f.Properties.Environment.Variables as Record<string, unknown>;
      expect(JSON.stringify(vars)).not.toContain('resolve:secretsmanager');
      expect(Object.keys(vars).filter((k) => /SECRET|PEPPER/.test(k) && !k.endsWith('_ARN'))).toEqual([]);
      expect(vars.TABLE_NAME).toBeDefined();
    }
    const withVar = (name: string) => functions.filter((f) => f.Properties.Environment.Variables[name] !== undefined);
    const needing = (name: string) => AREAS.filter((a) => a.secrets.includes(name as never)).length;
    expect(withVar('ONECARD_TOPUP_WEBHOOK_SECRET_ARN')).toHaveLength(needing('topupWebhook'));
    expect(withVar('ONECARD_RESIDENT_ID_PEPPER_ARN')).toHaveLength(needing('residentIdPepper'));
    const readers = Object.values(api.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('secretsmanager:GetSecretValue'),
    );
    expect(readers).toHaveLength(AREAS.filter((a) => a.secrets.length > 0).length);
  });

  it('grants each function only what its area does with the table and the keys', () => {
    for (const def of [...AREAS, ...JOBS]) {
      const id = `${def.name.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase())}${'routes' in def ? 'Area' : 'Job'}`;
      const docs = policiesOf(id);
      const actions = docs.flatMap((st) => [st.Action].flat()) as string[];
      const writes = actions.filter((a) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(a));
      expect(writes.length > 0, `${def.name} writes`).toBe(def.table.access === 'read-write');
      expect(
        actions.some((a) => a === 'dynamodb:*' || a === '*'),
        `${def.name} has no wildcard`,
      ).toBe(false);
      const leading = docs.filter((st) => JSON.stringify(st.Condition ?? {}).includes('dynamodb:LeadingKeys'));
      expect(leading.length > 0, `${def.name} leading keys`).toBe(def.table.leadingKeys !== undefined);
      // The very partitions infra/areas.ts names (which the HTTP tests check every request against).
      for (const st of leading) {
        const keys = (st.Condition as Record<string, Record<string, string[]>>)['ForAllValues:StringLike']!;
        expect(keys['dynamodb:LeadingKeys'], `${def.name} partitions`).toEqual(def.table.leadingKeys);
      }
      expect(actions.includes('dynamodb:Scan'), `${def.name} scans`).toBe(def.table.scan === true);
      // Only the indexes it queries.
      const indexes = [...JSON.stringify(docs).matchAll(/\/index\/(gsi\d)/g)].map((m) => m[1]);
      expect(new Set(indexes), `${def.name} indexes`).toEqual(new Set(def.table.indexes));
      expect(actions.includes('kms:GetPublicKey'), `${def.name} reads public keys`).toBe(def.keys !== 'none');
    }
  });

  it('keeps the operators’ audit trail (the admin function’s logs) a year, retained with the stack gone', () => {
    const groups = Object.values(api.findResources('AWS::Logs::LogGroup'));
    const audit = groups.filter((g) => g.Properties.RetentionInDays === 365);
    // And the state machines' (the full audit's, the allowance run's): each step, kept as long.
    expect(audit).toHaveLength(AREAS.filter((a) => a.auditLogs).length + 2);
    for (const g of audit) expect(g.DeletionPolicy).toBe('Retain');
  });

  it('throttles the API and keeps JSON access logs', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 2000 }),
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
  });

  it('alarms on 5xx answers, failed and missing jobs, declines, throttles and the stored value; every alarm reaches the topic', () => {
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (name: string) => alarms.filter((a) => a.MetricName === name);
    expect(named('5xx')).toHaveLength(1);
    // The shell answers 500 and the function succeeds: each area's own 5xx figure, not Lambda's Errors.
    expect(named('Http5xx').map((a) => a.Dimensions)).toEqual(AREAS.map((a) => [{ Name: 'service', Value: a.name }]));
    // Every function's failures, the full audit's included; one failed job run is enough.
    expect(named('Errors')).toHaveLength(AREAS.length + JOBS.length + 1);
    for (const jobAlarm of named('Errors').filter((a) => a.EvaluationPeriods === 1)) {
      expect(jobAlarm.DatapointsToAlarm).toBe(1);
    }
    expect(named('Errors').filter((a) => a.EvaluationPeriods === 1)).toHaveLength(JOBS.length + 1);
    // A daily job that has not succeeded in a day: missing data is a breach.
    const didNotRun = named('JobSucceeded');
    expect(didNotRun.map((a) => a.Dimensions.find((d: { Name: string }) => d.Name === 'job').Value).sort()).toEqual([
      'audit',
      'rotate-keys',
      'settlement',
    ]);
    for (const a of didNotRun)
      expect(a).toMatchObject({
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
        Period: 86400,
      });
    // The share of taps declined, from the terminal's own figures.
    const declines = alarms.find((a) => JSON.stringify(a.Metrics ?? []).includes('TapsDeclined'))!;
    expect(declines.Threshold).toBe(20);
    expect(named('WriteThrottleEvents')).toHaveLength(1);
    expect(named('ReadThrottleEvents')).toHaveLength(1);
    expect(named('LedgerAuditMismatch')).toHaveLength(1);
    // The daily report's stored-value check, from the logs of whoever makes the report.
    expect(named('StoredValueMismatch')).toHaveLength(
      AREAS.filter((a) => a.reports).length + JOBS.filter((j) => j.reports).length,
    );
    // Every one notifies the stack's topic, which mails the on-call address (from the context).
    const topic = Object.keys(api.findResources('AWS::SNS::Topic'))[0]!;
    for (const a of alarms) expect(a.AlarmActions, a.AlarmDescription).toEqual([{ Ref: topic }]);
    api.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.cn' });
    for (const a of alarms) expect(a.AlarmDescription).toBeTruthy();
  });

  it('puts a dead-letter queue behind every schedule and rule, and alarms on its first message', () => {
    const queues = Object.keys(api.findResources('AWS::SQS::Queue'));
    const isQueue = (arn: unknown) => queues.some((q) => JSON.stringify(arn).includes(q));
    const schedules = Object.values(api.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(4);
    for (const s of schedules) expect(isQueue(s.Properties.Target.DeadLetterConfig?.Arn)).toBe(true);
    const targets = Object.values(api.findResources('AWS::Events::Rule')).flatMap((r) => r.Properties.Targets);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) expect(isQueue(t.DeadLetterConfig?.Arn)).toBe(true);
    // A job that failed every retry once started lands in its queue too, with its error.
    const onFailure = Object.values(api.findResources('AWS::Lambda::EventInvokeConfig'));
    expect(onFailure).toHaveLength(JOBS.length);
    for (const c of onFailure) expect(isQueue(c.Properties.DestinationConfig.OnFailure.Destination)).toBe(true);
    const depth = Object.values(api.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible',
    );
    expect(depth).toHaveLength(queues.length);
    for (const a of depth) expect(a.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 1 });
  });

  it('draws the city’s operations on one dashboard, beside the runbook’s saved queries', () => {
    const dashboards = Object.values(api.findResources('AWS::CloudWatch::Dashboard'));
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
    for (const figure of [
      'TapsAccepted',
      'TapsDeclined',
      'TopupsFen',
      'FaresFen',
      'PurchasesFen',
      'BillsFen',
      'p99',
      'WriteThrottleEvents',
      'JobSucceeded',
      'StoredValueFen',
    ]) {
      expect(body, figure).toContain(figure);
    }
    const queries = Object.values(api.findResources('AWS::Logs::QueryDefinition')).map((q) => q.Properties.Name);
    expect(queries.sort()).toEqual([
      'onecard/job-runs',
      'onecard/one-request-by-id',
      'onecard/server-errors',
      'onecard/tap-declines-by-code',
    ]);
  });

  it('lets the citizen function send SMS to phone numbers but to no topic, in any partition', () => {
    const policies = Object.values(api.findResources('AWS::IAM::Policy')).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    const sms = policies.filter((doc) => doc.includes('sns:Publish'));
    expect(sms).toHaveLength(1);
    expect(sms[0]).toContain('NotResource');
    expect(sms[0]).toContain('AWS::Partition');
  });
});

describe('settlement', () => {
  it('runs daily at 04:05 Asia/Shanghai through EventBridge Scheduler, long enough for a city’s day', () => {
    const schedules = Object.values(api.findResources('AWS::Scheduler::Schedule'));
    expect(schedules.map((s) => [s.Properties.ScheduleExpression, s.Properties.ScheduleExpressionTimezone])).toEqual([
      // The full audit, after the business day ends.
      ['cron(30 4 * * ? *)', 'Asia/Shanghai'],
      ['cron(5 4 * * ? *)', 'Asia/Shanghai'],
      // The points lapse: the first three days of each month (a day that runs out of time leaves the rest).
      ['cron(20 4 1-3 * ? *)', 'Asia/Shanghai'],
      // The allowance: the first of each month.
      ['cron(10 4 1 * ? *)', 'Asia/Shanghai'],
    ]);
    schedules.shift();
    expect(schedules[0]!.Properties).toMatchObject({ Target: { RetryPolicy: { MaximumRetryAttempts: 2 } } });
    const functions = api.findResources('AWS::Lambda::Function');
    const job = Object.entries(functions).find(([id]) => id.startsWith('SettlementJobFn'))![1];
    expect(JSON.stringify(schedules[0]!.Properties.Target.Arn)).toContain(
      Object.keys(functions).find((id) => id.startsWith('SettlementJobFn')),
    );
    expect(job.Properties.Timeout).toBe(900);
  });

  it('keeps reports in a private, encrypted, retained bucket that only report writers may put into', () => {
    data.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicAcls: true, RestrictPublicBuckets: true }),
        BucketEncryption: Match.anyValue(),
        VersioningConfiguration: { Status: 'Enabled' },
        // Every read and write logged, and both kept ten years as financial records.
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'reports/' }),
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: 3653, Status: 'Enabled' })],
        },
      }),
    });
    const writers = Object.values(api.findResources('AWS::IAM::Policy')).filter((p) => {
      const doc = JSON.stringify(p.Properties.PolicyDocument);
      return doc.includes('s3:PutObject') && doc.includes('ReportsBucketArn');
    });
    expect(writers).toHaveLength(AREAS.filter((a) => a.reports).length + JOBS.filter((j) => j.reports).length);
    // Each into its own folders only: the allowance job writes no settlement file.
    const folders = writers.map((w) =>
      [...JSON.stringify(w.Properties.PolicyDocument).matchAll(/\/(\w+)\/\*/g)].map((m) => m[1]),
    );
    expect(folders).toEqual([...AREAS, ...JOBS].flatMap((d) => (d.reports ? [d.reports] : [])));
  });
});

describe('the full audit of the ledger', () => {
  it('exports the table, runs the audit’s SQL on Athena over it, keeps the result and alarms on a mismatch, daily', () => {
    // The export's data, read through one Glue table whose partitions are the exports' ids.
    api.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({
        Name: 'ledger_export',
        PartitionKeys: [{ Name: 'export_id', Type: 'string' }],
        Parameters: Match.objectLike({ 'projection.enabled': 'true', 'projection.export_id.type': 'injected' }),
      }),
    });
    api.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({ EnforceWorkGroupConfiguration: true }),
    });
    // The very SQL the local stage runs on DuckDB, over the Glue table, for one export.
    const named = Object.values(api.findResources('AWS::Athena::NamedQuery'))[0]!;
    expect(named.Properties.QueryString).toBe(
      auditSql(`SELECT item AS i FROM "onecard_test_api_audit"."ledger_export" WHERE export_id = ?`),
    );
    const machine = Object.values(api.findResources('AWS::StepFunctions::StateMachine'))[0]!;
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    for (const step of ['exportTableToPointInTime', 'describeExport', 'athena:startQueryExecution.sync', 'Keep']) {
      expect(definition).toContain(step);
    }
    // Retained exports bucket, with a retention; the mismatch and failure alarms.
    api.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 35, Status: 'Enabled' })] },
      }),
    });
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(alarms).toContain('LedgerAuditMismatch');
    expect(alarms).toContain('ExecutionsFailed');
    // Nobody scans the table any more.
    const policies = JSON.stringify(api.findResources('AWS::IAM::Policy'));
    expect(policies).not.toContain('dynamodb:Scan');
    expect(policies).toContain('dynamodb:exportTableToPointInTime');
  });
});

describe('the allowance run', () => {
  it('plans and pays in parallel chunks through a state machine the monthly schedule starts', () => {
    const machines = Object.values(api.findResources('AWS::StepFunctions::StateMachine')).map((m) =>
      JSON.stringify(m.Properties.DefinitionString),
    );
    const allowance = machines.find((d) => d.includes('NotCovered'))!;
    for (const part of [
      '\\"step\\":\\"plan\\"',
      '\\"step\\":\\"reserve\\"',
      '\\"step\\":\\"pay\\"',
      '\\"step\\":\\"finish\\"',
    ]) {
      expect(allowance).toContain(part);
    }
    expect(allowance).toContain('\\"MaxConcurrency\\":16');
    const monthly = Object.values(api.findResources('AWS::Scheduler::Schedule')).find(
      (s) => s.Properties.ScheduleExpression === 'cron(10 4 1 * ? *)',
    )!;
    expect(JSON.stringify(monthly.Properties.Target.Arn)).toContain('AllowanceRunStateMachine');
  });
});

describe('cdk-nag', () => {
  it('finds nothing in the AwsSolutions and Serverless packs that is not acknowledged with its reason in code', () => {
    // Prepare: a fresh app with the pack plugged in as CDK validations (cdk-nag 3).
    const nagOut = mkdtempSync(join(tmpdir(), 'onecard-nag-'));
    try {
      const app = new App({ outdir: nagOut, context: { 'aws:cdk:bundling-stacks': [] } });
      buildStacks(app, {
        stage: 'nag',
        env: { account: '123456789012', region: 'cn-north-1' },
        issuer: 'https://x.test',
        alarmEmail: 'oncall@example.cn',
      });
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
      // Act and assess: synthesis throws "Validation failed" on any unacknowledged finding.
      expect(() => app.synth()).not.toThrow();
    } finally {
      rmSync(nagOut, { recursive: true, force: true });
    }
  });
});

describe('web stack', () => {
  it('serves the wallet and the console from a private bucket through CloudFront with a strict CSP, the API on the same origin', () => {
    web.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    web.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: { ContentSecurityPolicy: WEB_CSP, Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
        }),
      },
    });
    const [distribution] = Object.values(web.findResources('AWS::CloudFront::Distribution'));
    const config = distribution!.Properties.DistributionConfig;
    expect(config.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(config.CacheBehaviors.map((b: { PathPattern: string }) => b.PathPattern).sort()).toEqual([
      '/.well-known/*',
      '/v1/*',
    ]);
    // Each app under its own base, invalidated on deploy.
    const deployments = Object.values(web.findResources('Custom::CDKBucketDeployment'));
    expect(deployments.map((d) => d.Properties.DestinationBucketKeyPrefix).sort()).toEqual(['app/', 'ops/']);
    // The console's config (the API's host it signs for) is deployed beside it.
    const ops = deployments.find((d) => d.Properties.DestinationBucketKeyPrefix === 'ops/')!;
    expect(ops.Properties.SourceObjectKeys).toHaveLength(2);
    expect(JSON.stringify(ops.Properties.SourceMarkers)).toContain('ApiEndpoint');
    expect(WEB_CSP).toContain("connect-src 'self'");
  });
});
