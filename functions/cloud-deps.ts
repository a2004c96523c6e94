import { randomUUID } from 'node:crypto';
import { campaignsLoader } from '../shared/campaigns/store';
import { cityConfigLoader } from '../shared/city/store';
import { InvariantError } from '../shared/errors';
import { facilityCatalogs } from '../shared/facilities/store';
import { fareTables } from '../shared/fares/store';
import { KeyRing } from '../shared/keys/keyring';
import { KmsKeyMaterial } from '../shared/keys/kms-material';
import { latestAuditResult } from '../shared/ledger-audit/audits';
import { outletsConfigLoader } from '../shared/outlets/store';
import { s3Sink } from '../shared/reports/s3-sink';
import { cachedSecrets, type SecretName } from '../shared/secrets/secrets';
import { documentClient, dynamoClient } from '../shared/store/store';
import { machineAllowanceRuns } from './allowance-machine';
import { cloudEnv, limitsFromEnv, type RuntimeConfig } from './config';
import type { AppDeps } from './deps';
import { cloudObservability } from './observability';

/** Made on first use and kept: the SDK packages a function never uses are never loaded (cold starts). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    made.catch(() => {
      made = undefined;
    });
    return made;
  };
}

/** What a Lambda's module scope gets: the area's dependencies, and the wrapper of its handler. */
export type CloudDeps = AppDeps & { instrument: ReturnType<typeof cloudObservability>['instrument'] };

type CloudEnv = ReturnType<typeof cloudEnv>;

/** The SDK clients beside DynamoDB's, each made on first use. */
function lazyClients() {
  return {
    sns: once(async () => new (await import('@aws-sdk/client-sns')).SNSClient({})),
    secretsManager: once(async () => new (await import('@aws-sdk/client-secrets-manager')).SecretsManagerClient({})),
    kms: once(async () => new (await import('@aws-sdk/client-kms')).KMSClient({})),
    s3: once(async () => new (await import('@aws-sdk/client-s3')).S3Client({})),
    sfn: once(async () => new (await import('@aws-sdk/client-sfn')).SFNClient({})),
  };
}
type LazyClients = ReturnType<typeof lazyClients>;

/**
 * Starts a named execution of a state machine this function was given. A name already started (a
 * retried request) is not an error when `alreadyStartedIsFine`: the execution goes on by itself.
 */
function executionStarter(clients: LazyClients, arn: string | undefined, what: string) {
  return async (name: string, input: object, alreadyStartedIsFine = false) => {
    if (!arn) throw new InvariantError(`this function may not start ${what}`);
    const { StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    try {
      await (await clients.sfn()).send(
        new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }),
      );
    } catch (err) {
      if (!(alreadyStartedIsFine && err instanceof Error && err.name === 'ExecutionAlreadyExists')) throw err;
    }
  };
}

/** Secrets by name from Secrets Manager; an area that was not given a secret must never act as if it had one. */
function cloudSecrets(env: CloudEnv, clients: LazyClients, clock: () => Date) {
  const secretIds: Record<SecretName, string | undefined> = {
    topupWebhook: env.ONECARD_TOPUP_WEBHOOK_SECRET_ARN,
    residentIdPepper: env.ONECARD_RESIDENT_ID_PEPPER_ARN,
    loginKey: env.ONECARD_LOGIN_KEY_ARN,
    pseudonymKey: env.ONECARD_PSEUDONYM_KEY_ARN,
  };
  return cachedSecrets(async (name) => {
    const secretId = secretIds[name];
    if (!secretId) throw new InvariantError(`this function was not given the ${name} secret`);
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    return (await (await clients.secretsManager()).send(new GetSecretValueCommand({ SecretId: secretId })))
      .SecretString;
  }, clock);
}

function reportsOf(env: CloudEnv, clients: LazyClients): AppDeps['reports'] {
  if (env.REPORTS_BUCKET) return s3Sink(clients.s3, env.REPORTS_BUCKET);
  return {
    put: async () => {
      throw new InvariantError('this function was not given the reports bucket');
    },
    link: async () => undefined,
  };
}

/** The cloud composition root: called once at module scope by each Lambda handler. */
export function cloudDeps(service: string): CloudDeps {
  const env = cloudEnv(process.env);
  const config: RuntimeConfig = {
    stage: 'cloud',
    issuer: env.ONECARD_ISSUER,
    // Operators authenticate with IAM (SigV4) at API Gateway in the cloud; no shared token exists there.
    adminToken: '',
    ...limitsFromEnv(process.env, 'cloud'),
  };
  const clock = () => new Date();
  const store = { doc: documentClient(dynamoClient()), tableName: env.TABLE_NAME, clock };
  const clients = lazyClients();
  const startAllowance = executionStarter(clients, env.ALLOWANCE_STATE_MACHINE_ARN, 'allowance runs');
  const startAudit = executionStarter(clients, env.LEDGER_AUDIT_STATE_MACHINE_ARN, 'audits');
  const observed = cloudObservability(service, env.LOG_LEVEL);
  return {
    instrument: observed.instrument,
    metrics: observed.metrics,
    store,
    clock,
    logger: observed.logger,
    config,
    keyRing: new KeyRing(store, new KmsKeyMaterial(clients.kms, env.SIGNING_KEY_IDS.split(',')), clock),
    city: cityConfigLoader(store, clock),
    fares: fareTables(store, clock),
    campaigns: campaignsLoader(store, clock),
    facilities: facilityCatalogs(store, clock),
    outlets: outletsConfigLoader(store, clock),
    sms: async (phone, text) => {
      const { PublishCommand } = await import('@aws-sdk/client-sns');
      await (await clients.sns()).send(new PublishCommand({ PhoneNumber: `+86${phone}`, Message: text }));
    },
    reports: reportsOf(env, clients),
    // A retried request's run started before: its execution goes on by itself.
    allowanceRuns: machineAllowanceRuns(store, clock, (name, input) => startAllowance(name, input, true)),
    audits: {
      current: () => latestAuditResult(store),
      async start() {
        const auditId = `audit_${randomUUID()}`;
        await startAudit(auditId, { auditId });
        return { auditId, status: 'running' };
      },
    },
    secrets: cloudSecrets(env, clients, clock),
  };
}
