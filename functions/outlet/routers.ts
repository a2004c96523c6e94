import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { outletRoutes } from './routes';

/** Service outlets' counters behind their signed assertions; each acts only for its own outlet. */
export function outletRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/outlet/*', machineAuth(deps, 'service-outlet'));
  outletRoutes(app, deps);
  return [app];
}
