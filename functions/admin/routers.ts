import type { AppDeps } from '../deps';
import { operatorAuth } from '../http/auth';
import { newRouter } from '../http/router';
import { allowanceRoutes } from './allowance-routes';
import { auditRoutes } from './audit-routes';
import { operatorCardRoutes } from './card-routes';
import { catalogRoutes } from './catalog-routes';
import { clientKeyRoutes, clientRoutes, clientVersionRoutes } from './client-routes';
import { correctionRoutes } from './correction-routes';
import { fareRoutes } from './fare-routes';
import { journeyFixRoutes } from './journey-fix-routes';
import { keyRoutes } from './key-routes';
import { auditOperatorWrites, auditTrailRoutes } from './operator-audit';
import { pointsRoutes } from './points-routes';
import { reconciliationRoutes } from './reconciliation-routes';
import { dailyReportRoutes, settlementRoutes } from './settlement-routes';

/** Every /v1/admin route behind the operator check. */
export function adminRouters(deps: AppDeps) {
  const app = newRouter();
  app.use('/v1/admin/*', auditOperatorWrites(deps), operatorAuth(deps));
  clientRoutes(app, deps);
  clientKeyRoutes(app, deps);
  clientVersionRoutes(app, deps);
  keyRoutes(app, deps);
  fareRoutes(app, deps);
  correctionRoutes(app, deps);
  catalogRoutes(app, deps);
  auditRoutes(app, deps);
  operatorCardRoutes(app, deps);
  reconciliationRoutes(app, deps);
  auditTrailRoutes(app, deps);
  settlementRoutes(app, deps);
  dailyReportRoutes(app, deps);
  allowanceRoutes(app, deps);
  pointsRoutes(app, deps);
  journeyFixRoutes(app, deps);
  return [app];
}
