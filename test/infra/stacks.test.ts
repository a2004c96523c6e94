import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AREAS, JOBS } from '../../infra/areas';
import { buildStacks } from '../../infra/stacks';

let outdir: string;
let data: Template;
let api: Template;

beforeAll(() => {
  // Prepare: synthesize without bundling (esbuild runs in `cdk synth`, not here) into a temp folder.
  outdir = mkdtempSync(join(tmpdir(), 'onecard-cdk-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildStacks(app, {
    stage: 'test',
    env: { account: '123456789012', region: 'cn-north-1' },
    issuer: 'https://onecard.test',
  });
  data = Template.fromStack(stacks.data);
  api = Template.fromStack(stacks.api);
});

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('data stack', () => {
  it('keeps every stateful resource under its logical id, retained', () => {
    // Renaming any of these constructs would make CloudFormation replace the resource: the ledger,
    // the signing keys terminals trust, or the secrets the provider and the id hashes depend on.
    const resources = data.toJSON().Resources as Record<string, { Type: string; DeletionPolicy?: string }>;
    expect(Object.entries(resources).map(([id, r]) => [r.Type, id, r.DeletionPolicy])).toEqual([
      ['AWS::DynamoDB::GlobalTable', 'Main54E5BC70', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyA8F3218BB', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyB9DF970C5', 'Retain'],
      ['AWS::KMS::Key', 'SigningKeyC3D2520A3', 'Retain'],
      ['AWS::SecretsManager::Secret', 'TopupWebhookSecret5B22523E', 'Retain'],
      ['AWS::SecretsManager::Secret', 'ResidentIdPepperF992DB82', 'Retain'],
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
        GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
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
  it('has one arm64 Node 22 function per area, each with a month of logs', () => {
    api.resourcePropertiesCountIs(
      'AWS::Lambda::Function',
      { Runtime: 'nodejs22.x', Architectures: ['arm64'] },
      AREAS.length + JOBS.length,
    );
    api.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 30 }, AREAS.length + JOBS.length);
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

  it('grants kms:Sign only to the functions that sign', () => {
    const policies = Object.values(api.findResources('AWS::IAM::Policy'));
    const signing = policies.filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('kms:Sign'));
    const signers = AREAS.filter((a) => a.signs).length + JOBS.filter((j) => j.signs).length;
    expect(signing).toHaveLength(signers);
  });

  it('gives each secret only to the function that needs it, as a deploy-time reference', () => {
    const functions = Object.values(api.findResources('AWS::Lambda::Function'));
    const withVar = (name: string) =>
      functions.filter((f) => f.Properties.Environment?.Variables?.[name] !== undefined);
    expect(withVar('ONECARD_TOPUP_WEBHOOK_SECRET')).toHaveLength(1);
    expect(withVar('ONECARD_RESIDENT_ID_PEPPER')).toHaveLength(1);
    expect(JSON.stringify(withVar('ONECARD_TOPUP_WEBHOOK_SECRET')[0])).toContain('resolve:secretsmanager');
    for (const f of functions) expect(f.Properties.Environment.Variables.TABLE_NAME).toBeDefined();
  });

  it('throttles the API and keeps JSON access logs', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: 5000, ThrottlingBurstLimit: 2000 }),
      AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('requestId') }),
    });
  });

  it('alarms on API 5xx, every function’s errors and DynamoDB write throttles', () => {
    const alarms = Object.values(api.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName);
    expect(alarms.filter((m) => m === 'Errors')).toHaveLength(AREAS.length + JOBS.length);
    expect(alarms).toContain('5xx');
    expect(alarms).toContain('WriteThrottleEvents');
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
