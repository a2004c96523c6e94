import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { agencyRoutes } from './routes';

/** Agencies (civil affairs, education, the disabled persons' federation) behind their signed assertions. */
export function agencyRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/agency/*', machineAuth(deps, 'agency'));
  agencyRoutes(app, deps);
  return [app];
}
