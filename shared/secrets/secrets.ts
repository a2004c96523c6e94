import { InvariantError, RetryLaterError } from '../errors';

/**
 * The secrets the service keeps: the top-up provider's HMAC key, the key of the resident id hashes,
 * the key of the login (the phone numbers' keyed hashes and the login codes' hashes), and the key the
 * unlinkable credentials' pseudonyms are derived under.
 */
export const SECRET_NAMES = ['topupWebhook', 'residentIdPepper', 'loginKey', 'pseudonymKey'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export interface Secrets {
  /** The secret's value; never empty. Fails (closed) rather than answer without it. */
  get(name: SecretName): Promise<string>;
}

/** How long an instance keeps a secret it read: a rotated secret is in use everywhere within this. */
export const SECRET_CACHE_MS = 5 * 60_000;

const required = (name: SecretName, value: string | undefined): string => {
  if (!value) throw new InvariantError(`secret ${name} is empty`);
  return value;
};

/** The local stage's secrets, given at start-up. */
export function staticSecrets(values: Record<SecretName, string>): Secrets {
  for (const name of SECRET_NAMES) required(name, values[name]);
  return { get: async (name) => values[name] };
}

/**
 * Secrets read at run time (the cloud: Secrets Manager), never from the environment, where anyone
 * allowed to read the function's configuration would see them. Cached per instance; a failed read
 * answers 503 and is tried again on the next request, and an empty secret is a defect: either way
 * nothing is signed or checked with a missing key.
 */
export function cachedSecrets(
  read: (name: SecretName) => Promise<string | undefined>,
  clock: () => Date,
  cacheMs = SECRET_CACHE_MS,
): Secrets {
  const cache = new Map<SecretName, { value: string; at: number }>();
  return {
    async get(name) {
      const now = clock().getTime();
      const hit = cache.get(name);
      if (hit && now - hit.at < cacheMs) return hit.value;
      let value: string | undefined;
      try {
        value = await read(name);
      } catch (err) {
        if (err instanceof InvariantError) throw err;
        throw new RetryLaterError('A secret the service needs could not be read; nothing was changed');
      }
      cache.set(name, { value: required(name, value), at: now });
      return cache.get(name)!.value;
    },
  };
}
