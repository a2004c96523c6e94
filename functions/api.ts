import { adminRouters } from './admin/routers';
import { agencyRouters } from './agency/routers';
import { billerRouters } from './biller/routers';
import { citizenRouters } from './citizen/routers';
import type { AppDeps } from './deps';
import { createShell } from './http/shell';
import { merchantRouters } from './merchant/routers';
import { outletRouters } from './outlet/routers';
import { swaggerUiDistDir } from './public/docs-assets';
import { mountOpenApi } from './public/openapi';
import { publicRoutes } from './public/routes';
import { terminalRouters } from './terminal/routers';
import { webhookRoutes } from './webhooks/topup-routes';

/** Every area's routers, in the order the OpenAPI document lists them. */
export function allRouters(deps: AppDeps) {
  return [
    publicRoutes(deps.clock, deps.keyRing),
    ...citizenRouters(deps),
    ...terminalRouters(deps),
    ...merchantRouters(deps),
    ...billerRouters(deps),
    ...outletRouters(deps),
    ...agencyRouters(deps),
    webhookRoutes(deps),
    ...adminRouters(deps),
  ];
}

/** The whole API on one app: the local stack serves this, and the public Lambda renders its docs from it. */
export function createApi(deps: AppDeps, docsAssetsDir = swaggerUiDistDir()) {
  return mountOpenApi(createShell({ logger: deps.logger, metrics: deps.metrics }, ...allRouters(deps)), docsAssetsDir);
}
