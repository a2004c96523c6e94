import type { Logger } from '../shared/log/logger';
import type { Store } from '../shared/store/store';
import type { RuntimeConfig } from './config';

/** Everything an area app needs, built once per process by its composition root. */
export interface AppDeps {
  store: Store;
  clock: () => Date;
  logger: Logger;
  config: RuntimeConfig;
}
