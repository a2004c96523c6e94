import type { AppDeps } from '../deps';
import { citizenAuth } from '../http/auth';
import { newRouter } from '../http/router';
import { authRoutes } from './auth-routes';
import { billRoutes } from './bill-routes';
import { cardRoutes } from './card-routes';
import { closureRoutes } from './closure-routes';
import { deviceRoutes } from './device-routes';
import { journeyRoutes } from './journey-routes';
import { offerRoutes } from './offer-routes';
import { pointsRoutes } from './points-routes';
import { pseudonymousRoutes } from './pseudonymous-routes';
import { statementRoutes } from './statement-routes';
import { topupRoutes } from './topup-routes';
import { visitRoutes } from './visit-routes';

/** Login, and every /v1/me route behind one check of the access token. */
export function citizenRouters(deps: AppDeps) {
  const me = newRouter();
  me.use('/v1/me/*', citizenAuth(deps));
  cardRoutes(me, deps);
  closureRoutes(me, deps);
  deviceRoutes(me, deps);
  pseudonymousRoutes(me, deps);
  topupRoutes(me, deps);
  statementRoutes(me, deps);
  journeyRoutes(me, deps);
  billRoutes(me, deps);
  offerRoutes(me, deps);
  pointsRoutes(me, deps);
  visitRoutes(me, deps);
  return [authRoutes(deps), me];
}
