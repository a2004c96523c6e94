import type { Route } from '../fares/fare-table';
import type { MachineIdentity } from './clients';

/**
 * The operator a terminal's version 2 credentials are for (`sub` pseudonyms differ per scope): a
 * validator's route operator, a POS's merchant, a gate's facility. None for the kinds that see who
 * the holder is anyway (an outlet checks the resident id) or are not presented a phone, and none for a
 * validator whose routes span operators (one terminal, one operator: else two could compare).
 */
export function pseudonymScopeOf(identity: MachineIdentity, routes: readonly Route[]): string | undefined {
  switch (identity.kind) {
    case 'transit-terminal': {
      const inScope = new Set(identity.scope.routeIds);
      const operators = new Set(routes.filter((r) => inScope.has(r.routeId)).map((r) => r.operatorId));
      return operators.size === 1 ? `op:${[...operators][0]}` : undefined;
    }
    case 'merchant-pos':
      return `m:${identity.scope.merchantId}`;
    case 'facility-gate':
      return `f:${identity.scope.facilityId}`;
    default:
      return undefined;
  }
}
