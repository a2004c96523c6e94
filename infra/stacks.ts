import type { App, Environment } from 'aws-cdk-lib';
import { ApiStack } from './api-stack';
import { DataStack } from './data-stack';
import { WebStack } from './web-stack';

export interface StageSettings {
  stage: string;
  env: Environment;
  issuer: string;
  /** Who the alarms mail: the stack's topic subscribes it (it confirms once). */
  alarmEmail?: string | undefined;
  /** A topic of the city's own that every alarm notifies too (optional). */
  alarmTopicArn?: string | undefined;
}

/** Data first, API on top; the tests build the same pair. */
export function buildStacks(app: App, settings: StageSettings) {
  const data = new DataStack(app, `OneCard-${settings.stage}-Data`, {
    env: settings.env,
    terminationProtection: settings.stage === 'prod',
  });
  const api = new ApiStack(app, `OneCard-${settings.stage}-Api`, {
    env: settings.env,
    table: data.table,
    signingKeys: data.signingKeys,
    topupWebhookSecret: data.topupWebhookSecret,
    residentIdPepper: data.residentIdPepper,
    loginKey: data.loginKey,
    pseudonymKey: data.pseudonymKey,
    signerRole: data.signerRole,
    reportsArnExport: data.reportsArnExport,
    tableArnExport: data.tableArnExport,
    issuer: settings.issuer,
    alarmEmail: settings.alarmEmail,
    alarmTopicArn: settings.alarmTopicArn,
  });
  api.addStackDependency(data);
  const web = new WebStack(app, `OneCard-${settings.stage}-Web`, { env: settings.env, api: api.api });
  web.addStackDependency(api);
  return { data, api, web };
}
