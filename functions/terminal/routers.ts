import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { terminalConfigRoutes } from './config-routes';
import { facilityRoutes } from './facility-routes';
import { transitRoutes } from './transit-routes';

/** Transit validators and facility gates (and POS and outlets, for the deny list and keys) behind their signed assertions. */
export function terminalRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/terminal/*', machineAuth(deps, 'transit-terminal', 'merchant-pos', 'facility-gate', 'service-outlet'));
  app.use('/v1/transit/*', machineAuth(deps, 'transit-terminal'));
  app.use('/v1/facilities/*', machineAuth(deps, 'facility-gate'));
  terminalConfigRoutes(app, deps);
  transitRoutes(app, deps);
  facilityRoutes(app, deps);
  return [app];
}
