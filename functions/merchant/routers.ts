import type { AppDeps } from '../deps';
import { machineAuth } from '../http/machine-auth';
import { newRouter } from '../http/router';
import { payeeSettlementRoute } from '../payee-settlement-route';
import { merchantRoutes } from './routes';

/** Merchant POS behind their signed assertions; each acts only for its own merchant. */
export function merchantRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/merchant/*', machineAuth(deps, 'merchant-pos'));
  merchantRoutes(app, deps);
  payeeSettlementRoute(app, deps, 'merchant');
  return [app];
}
