import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createApi } from '../functions/api';
import { localConfig, type RuntimeConfig } from '../functions/config';
import type { AppDeps } from '../functions/deps';
import { allowanceRules } from '../shared/benefits/allowance';
import { runAllowance } from '../shared/benefits/allowance-run';
import { campaignsLoader } from '../shared/campaigns/store';
import { cityConfigLoader } from '../shared/city/store';
import { facilityCatalogs } from '../shared/facilities/store';
import { fareTables } from '../shared/fares/store';
import { type KeyMaterial, KeyRing } from '../shared/keys/keyring';
import { LocalKeyMaterial } from '../shared/keys/local-material';
import type { Logger } from '../shared/log/logger';
import { noMetrics, printedMetrics } from '../shared/observe/metrics';
import { outletsConfigLoader } from '../shared/outlets/store';
import { folderSink } from '../shared/reports/sink';
import { staticSecrets } from '../shared/secrets/secrets';
import { seedStore } from '../shared/seeds/seed-store';
import { documentClient, dynamoClient, type Store } from '../shared/store/store';
import { duckdbAudits } from './audit/duckdb-audits';
import { LOCAL_AWS, startDynamoLocal } from './dynamo-local';
import { ensureTable } from './local-tables';
import { readSeeds } from './read-seeds';
import { MAIN_TABLE } from './tables';

export const LOCAL_TABLE_NAME = 'onecard-main';

export interface LocalBackendOptions {
  dataDir: string;
  dynamoEndpoint?: string | undefined;
  seedsDir: string;
  adminToken: string;
  topupWebhookSecret: string;
  logger: Logger;
  clock?: () => Date;
  tableName?: string;
  /** Settings a benchmark or test needs otherwise (say, OTP limits for hundreds of logins a minute). */
  configOverrides?: Partial<RuntimeConfig>;
  /** Called with the DynamoDB client before first use: tests record what the code sends through it. */
  instrumentClient?: (client: DynamoDBClient) => void;
  /**
   * Called with the ports that are AWS services in the cloud (KMS, Secrets Manager, S3, Step
   * Functions, SNS) before first use: tests record what the code asks of them.
   */
  instrumentPorts?: (ports: CloudPorts) => CloudPorts;
}

/** The dependencies that are AWS services in the cloud and stand-ins here. */
export type CloudPorts = Pick<AppDeps, 'secrets' | 'reports' | 'audits' | 'allowanceRuns' | 'sms'> & {
  keyMaterial: KeyMaterial;
};

/** The local stack without its HTTP listener: used by `npm start` and by the integration tests. */
export async function startLocalBackend(options: LocalBackendOptions) {
  const seeds = readSeeds(options.seedsDir);
  const dynamo = options.dynamoEndpoint ? undefined : await startDynamoLocal(options.dataDir);
  const endpoint = options.dynamoEndpoint ?? dynamo!.endpoint;
  const client: DynamoDBClient = dynamoClient({ endpoint, ...LOCAL_AWS });
  options.instrumentClient?.(client);
  // The audit's own client: in the cloud DynamoDB itself writes the export, not a function's role.
  const exportClient: DynamoDBClient = dynamoClient({ endpoint, ...LOCAL_AWS });
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  try {
    await ensureTable(client, MAIN_TABLE, tableName);
    const clock = options.clock ?? (() => new Date());
    const store: Store = { doc: documentClient(client), tableName, clock };
    const seeded = await seedStore(store, seeds, clock());
    const { keyMaterial, ...services } = localPorts(options, store, clock, exportClient);
    const deps: AppDeps = {
      store,
      clock,
      logger: options.logger,
      // Metrics would drown the local logs: printed only when asked for.
      metrics: process.env.ONECARD_METRICS_LOG ? printedMetrics((l) => process.stdout.write(`${l}\n`)) : noMetrics,
      config: localConfig({
        adminToken: options.adminToken,
        ...options.configOverrides,
      }),
      ...services,
      ...configReaders(store, clock, keyMaterial),
    };
    await deps.keyRing.jwks();
    const app = createApi(deps);
    return {
      app,
      deps,
      keyMaterial,
      seeded,
      endpoint,
      async stop() {
        client.destroy();
        exportClient.destroy();
        await dynamo?.stop();
      },
    };
  } catch (err) {
    client.destroy();
    exportClient.destroy();
    await dynamo?.stop();
    throw err;
  }
}

/**
 * What an instance reads of the city's configuration and keeps a while (the key ring, the city,
 * fares, campaigns, facilities, outlets): each function in the cloud has its own.
 */
export function configReaders(store: Store, clock: () => Date, keyMaterial: KeyMaterial) {
  return {
    keyRing: new KeyRing(store, keyMaterial, clock),
    city: cityConfigLoader(store, clock),
    fares: fareTables(store, clock),
    campaigns: campaignsLoader(store, clock),
    facilities: facilityCatalogs(store, clock),
    outlets: outletsConfigLoader(store, clock),
  };
}

/** The local stand-ins of the cloud's services, as the caller may instrument them. */
function localPorts(
  options: LocalBackendOptions,
  store: Store,
  clock: () => Date,
  exportClient: DynamoDBClient,
): CloudPorts {
  const keyFile = options.dataDir === ':memory:' ? undefined : join(resolve(options.dataDir), 'signing-keys.json');
  const ports: CloudPorts = {
    secrets: staticSecrets({
      topupWebhook: options.topupWebhookSecret,
      // Locally a fixed key: the local store's hashes stay valid across restarts.
      residentIdPepper: 'onecard-local-resident-id-pepper',
      loginKey: 'onecard-local-login-key',
      pseudonymKey: 'onecard-local-pseudonym-key',
    }),
    keyMaterial: new LocalKeyMaterial(keyFile),
    // Locally the code is answered as devCode instead of sent.
    sms: undefined,
    reports: folderSink(options.dataDir === ':memory:' ? undefined : join(resolve(options.dataDir), 'reports')),
    audits: duckdbAudits(exportClient, store, clock),
    allowanceRuns: { start: (input) => runAllowance(store, { clock, rules: allowanceRules(store, clock) }, input) },
  };
  return options.instrumentPorts?.(ports) ?? ports;
}
