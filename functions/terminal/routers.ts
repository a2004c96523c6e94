import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { terminalConfigRoutes } from './config-routes';
import { transitRoutes } from './transit-routes';

/** Transit validators (and POS, for the deny list and keys) behind their signed assertions. */
export function terminalRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/terminal/*', machineAuth(deps, 'transit-terminal', 'merchant-pos'));
  app.use('/v1/transit/*', machineAuth(deps, 'transit-terminal'));
  terminalConfigRoutes(app, deps);
  transitRoutes(app, deps);
  return [app];
}
