import type { MachinePrincipal } from '../shared/clients/clients';
import { pseudonymScopeOf } from '../shared/clients/pseudonym-scope';
import type { TerminalPolicy } from '../shared/credentials/pipeline';
import type { AppDeps } from './deps';

/** What the presenting terminal accepts: the versions its operator turned on, and its scope for version 2. */
export async function terminalPolicy(
  machine: MachinePrincipal,
  deps: Pick<AppDeps, 'fares' | 'clock'>,
): Promise<TerminalPolicy> {
  const versions = machine.credentialVersions ?? [1];
  if (!versions.includes(2)) return { versions };
  const scope = pseudonymScopeOf(machine, (await deps.fares.at(deps.clock())).routes);
  return scope ? { versions, scope } : { versions };
}
