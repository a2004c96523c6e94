import type { MachinePrincipal } from '../../shared/clients/clients';
import type { Logger } from '../../shared/log/logger';

export interface CitizenPrincipal {
  citizenId: string;
  phone: string;
}

/** The operator behind an admin request: the IAM principal in the cloud, a fixed name locally. */
export interface OperatorPrincipal {
  principal: string;
}

/** What every area app keeps in the request context. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    citizen: CitizenPrincipal;
    machine: MachinePrincipal;
    /** Settles once the machine assertion's jti is used up; rejects 401 when it was used before. */
    assertionSpent: Promise<void>;
    operator: OperatorPrincipal;
    idempotencyKey: string;
    /** The request's hash, for a route whose own record keeps its key (idempotentOnRecord). */
    idempotencyHash: string;
  };
}
