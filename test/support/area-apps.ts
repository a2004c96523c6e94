import { adminRouters } from '../../functions/admin/routers';
import { agencyRouters } from '../../functions/agency/routers';
import { billerRouters } from '../../functions/biller/routers';
import { citizenRouters } from '../../functions/citizen/routers';
import type { AppDeps } from '../../functions/deps';
import { createShell } from '../../functions/http/shell';
import { merchantRouters } from '../../functions/merchant/routers';
import { outletRouters } from '../../functions/outlet/routers';
import { terminalRouters } from '../../functions/terminal/routers';
import { webhookRoutes } from '../../functions/webhooks/topup-routes';
import { configReaders } from '../../infra/local-backend';
import type { KeyMaterial } from '../../shared/keys/keyring';

/** Each area's routers, as its Lambda handler mounts them (functions/<area>/handler.ts). */
const AREA_ROUTERS = {
  citizen: citizenRouters,
  terminal: terminalRouters,
  merchant: merchantRouters,
  biller: billerRouters,
  outlet: outletRouters,
  agency: agencyRouters,
  admin: adminRouters,
  webhooks: (deps: AppDeps) => [webhookRoutes(deps)],
};

/**
 * One app per area, each with readers of its own (key ring, city, fares, ...), as each area is a
 * function with its own instances in the cloud: what one area read and cached is not read for
 * another, so every area's own table reads are seen (and checked against its grants). The public
 * area is served by the whole app (it renders the document of all the others).
 */
export function areaApps(deps: AppDeps, keyMaterial: KeyMaterial) {
  return Object.fromEntries(
    Object.entries(AREA_ROUTERS).map(([area, routers]) => {
      const own: AppDeps = { ...deps, ...configReaders(deps.store, deps.clock, keyMaterial) };
      return [area, createShell({ logger: deps.logger, metrics: deps.metrics }, ...routers(own))];
    }),
  ) as Record<string, ReturnType<typeof createShell>>;
}
