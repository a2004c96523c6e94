import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { payeeSettlementRoute } from '../payee-settlement-route';
import { billerRoutes } from './routes';

/** Billers behind their signed assertions; each acts only on its own bills (its scope's billerId). */
export function billerRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/biller/*', machineAuth(deps, 'biller'));
  billerRoutes(app, deps);
  payeeSettlementRoute(app, deps, 'biller');
  return [app];
}
