import type { PresentationDeps } from '../shared/credentials/pipeline';
import { type Pseudonyms, pseudonymsOf } from '../shared/credentials/pseudonyms';
import type { Secrets } from '../shared/secrets/secrets';
import type { AppDeps } from './deps';

/** One pseudonym key per process (its derived keys are cached on it), read through the secrets' cache. */
const kept = new WeakMap<Secrets, () => Promise<Pseudonyms>>();

export function pseudonymsFor(secrets: Secrets): () => Promise<Pseudonyms> {
  let pseudonyms = kept.get(secrets);
  if (!pseudonyms) {
    pseudonyms = pseudonymsOf(() => secrets.get('pseudonymKey'));
    kept.set(secrets, pseudonyms);
  }
  return pseudonyms;
}

/** What every route a phone's credential is presented to needs: the store, the issuer's keys and pseudonyms, the clock. */
export function presentationDeps(deps: AppDeps): PresentationDeps {
  return {
    store: deps.store,
    clock: deps.clock,
    keyRing: deps.keyRing,
    issuer: deps.config.issuer,
    pseudonyms: pseudonymsFor(deps.secrets),
  };
}
