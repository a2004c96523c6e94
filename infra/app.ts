/**
 * The CDK app: the only place that reads the deployment environment.
 * `npx cdk synth` works offline; `npx cdk deploy --all` deploys data, then API.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { buildStacks } from './stacks';

const app = new App();
const stage = (app.node.tryGetContext('stage') as string | undefined) ?? process.env.ONECARD_STAGE_NAME ?? 'dev';
buildStacks(app, {
  stage,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION ?? 'cn-north-1' },
  issuer: process.env.ONECARD_ISSUER ?? `https://onecard-${stage}.example.cn`,
  // `npx cdk deploy --all -c alarmEmail=oncall@example.cn`: the on-call address the alarms mail.
  alarmEmail: app.node.tryGetContext('alarmEmail') as string | undefined,
  alarmTopicArn: process.env.ONECARD_ALARM_TOPIC_ARN,
});
// cdk-nag's AwsSolutions and Serverless packs: `cdk synth` fails on any finding not acknowledged, with
// its reason, in code.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
app.synth();
