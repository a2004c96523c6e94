import type { AllowanceRuns } from '../shared/benefits/allowance-run';
import type { CampaignsLoader } from '../shared/campaigns/store';
import type { CityConfig } from '../shared/city/model';
import type { FacilityCatalogs } from '../shared/facilities/store';
import type { FareTables } from '../shared/fares/store';
import type { KeyRing } from '../shared/keys/keyring';
import type { LedgerAudits } from '../shared/ledger-audit/audits';
import type { Logger } from '../shared/log/logger';
import type { BusinessMetrics } from '../shared/observe/metrics';
import type { OutletsConfig } from '../shared/outlets/model';
import type { ReportSink } from '../shared/reports/sink';
import type { Secrets } from '../shared/secrets/secrets';
import type { Store } from '../shared/store/store';
import type { RuntimeConfig } from './config';

/** Sends the one-time code: SNS in the cloud; nothing locally, where the answer carries `devCode`. */
export type SmsSender = (phone: string, text: string) => Promise<void>;

/** Everything an area app needs, built once per process by its composition root. */
export interface AppDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  /** The city's business figures: EMF metrics in the cloud, nothing locally unless asked for. */
  metrics: BusinessMetrics;
  config: RuntimeConfig;
  keyRing: KeyRing;
  city: () => Promise<CityConfig>;
  fares: FareTables;
  campaigns: CampaignsLoader;
  facilities: FacilityCatalogs;
  outlets: () => Promise<OutletsConfig>;
  sms: SmsSender | undefined;
  /** Read when used, never kept in the environment or the config. */
  secrets: Secrets;
  /** Where finished reports (settlement CSVs) go. */
  reports: ReportSink;
  /** The full audit of the ledger on an analytics engine: Athena in the cloud, DuckDB locally. */
  audits: LedgerAudits;
  /** The allowance runs: in chunks here, or by the cloud's state machine. */
  allowanceRuns: AllowanceRuns;
}
