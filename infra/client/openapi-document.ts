/**
 * The OpenAPI document as the routes define it, rendered without a store: registering routes reads
 * nothing, so the dependencies here are never called. `npm run openapi` writes it to
 * docs/openapi.json, which the public function serves in the cloud and the typed client is made from.
 */
import { createApi } from '../../functions/api';
import { localConfig } from '../../functions/config';
import type { AppDeps } from '../../functions/deps';
import { createLogger } from '../../shared/log/logger';
import { noMetrics } from '../../shared/observe/metrics';

const unused = (what: string) => () => {
  throw new Error(`rendering the OpenAPI document must not use ${what}`);
};

function documentOnlyDeps(): AppDeps {
  const clock = () => new Date(0);
  const refuse = new Proxy({}, { get: (_t, name) => unused(String(name)) });
  return {
    store: { doc: refuse, tableName: 'onecard-docs', clock } as unknown as AppDeps['store'],
    clock,
    logger: createLogger('openapi', 'silent'),
    metrics: noMetrics,
    config: localConfig({ adminToken: 'unused-by-the-document' }),
    keyRing: refuse as AppDeps['keyRing'],
    city: unused('the city config'),
    fares: refuse as AppDeps['fares'],
    campaigns: refuse as AppDeps['campaigns'],
    facilities: refuse as AppDeps['facilities'],
    outlets: unused('the outlets config'),
    sms: undefined,
    secrets: refuse as AppDeps['secrets'],
    reports: refuse as AppDeps['reports'],
    audits: refuse as AppDeps['audits'],
    allowanceRuns: refuse as AppDeps['allowanceRuns'],
  };
}

/** The document exactly as `GET /openapi.json` serves it from the routes. */
export async function renderOpenApiDocument(): Promise<Record<string, unknown>> {
  const res = await createApi(documentOnlyDeps()).request('/openapi.json');
  if (res.status !== 200) throw new Error(`the OpenAPI document did not render: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}
