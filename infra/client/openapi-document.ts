/**
 * The OpenAPI document as the routes define it, rendered without a store: registering routes reads
 * nothing, so the dependencies here are never called (the store's client points nowhere and every
 * service refuses). `npm run openapi` writes it to docs/openapi.json, which the public function serves
 * in the cloud and the typed client is made from.
 */
import { createApi } from '../../functions/api';
import { localConfig } from '../../functions/config';
import type { AppDeps } from '../../functions/deps';
import { LocalKeyMaterial } from '../../shared/keys/local-material';
import { createLogger } from '../../shared/log/logger';
import { noMetrics } from '../../shared/observe/metrics';
import { documentClient, dynamoClient } from '../../shared/store/store';
import { configReaders } from '../local-backend';

const unused = (what: string) => () => {
  throw new Error(`rendering the OpenAPI document must not use ${what}`);
};

function documentOnlyDeps(): AppDeps {
  const clock = () => new Date(0);
  // A client to no endpoint: a read would fail loudly, and none is made.
  const client = dynamoClient({
    endpoint: 'http://127.0.0.1:9',
    region: 'none',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  const store = { doc: documentClient(client), tableName: 'onecard-docs', clock };
  return {
    ...configReaders(store, clock, new LocalKeyMaterial(undefined)),
    store,
    clock,
    logger: createLogger('openapi', 'silent'),
    metrics: noMetrics,
    config: localConfig({ adminToken: 'unused-by-the-document' }),
    city: unused('the city config'),
    outlets: unused('the outlets config'),
    sms: undefined,
    secrets: { get: unused('a secret') },
    reports: { put: unused('the reports'), link: unused('the reports') },
    audits: { current: unused('the audits'), start: unused('the audits') },
    allowanceRuns: { start: unused('the allowance runs') },
  };
}

/** The document exactly as `GET /openapi.json` serves it from the routes. */
export async function renderOpenApiDocument(): Promise<Record<string, unknown>> {
  const res = await createApi(documentOnlyDeps()).request('/openapi.json');
  if (res.status !== 200) throw new Error(`the OpenAPI document did not render: ${res.status}`);
  const doc: unknown = await res.json();
  if (typeof doc !== 'object' || doc === null) throw new Error('the OpenAPI document is not an object');
  return { ...doc };
}
