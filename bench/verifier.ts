import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, importJWK, type JWK } from 'jose';
import { issueCredential } from '../shared/credentials/issue';
import { verifyPresentation } from '../shared/credentials/verify';
import { LocalKeyMaterial } from '../shared/keys/local-material';
import { newKey, proofFor } from '../test/support/jose-kit';
import { opsPerSecond, ratio } from './stats';

/** The terminal verifier against its floor: the two ES256 signature checks it cannot avoid. */
export async function benchVerifier() {
  const material = new LocalKeyMaterial();
  const { ref, publicJwk } = await material.create();
  const kid = await calculateJwkThumbprint(publicJwk);
  const device = await newKey();
  const now = new Date();
  const { credential } = await issueCredential(
    { kid, sign: (input) => material.sign(ref, input) },
    {
      issuer: 'https://bench',
      cardId: 'card_bench',
      deviceId: 'dev_bench',
      devicePublicJwk: device.publicJwk,
      fareClass: 'adult',
      offlineLimitFen: 2000,
      now,
    },
  );
  const proof = await proofFor(device, credential, {
    chl: 'c',
    tid: 'term',
    iat: Math.floor(now.getTime() / 1000),
    jti: randomUUID(),
  });
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'ES256', use: 'sig' } as JWK] };
  const deny = { cards: new Set<string>(), devices: new Set<string>() };
  const issuerKey = await importJWK({ ...publicJwk, alg: 'ES256' }, 'ES256');
  const deviceKey = await importJWK({ ...device.publicJwk, alg: 'ES256' }, 'ES256');

  const bare = async () => {
    await compactVerify(credential, issuerKey);
    await compactVerify(proof, deviceKey);
  };
  const full = async () => {
    const v = await verifyPresentation(
      { credential, proof, challenge: 'c', terminalId: 'term', at: now },
      { issuer: 'https://bench', jwks, now },
      deny,
    );
    if (!v.ok) throw new Error(`bench presentation declined: ${v.declineCode}`);
  };
  // Alternate the two so that machine noise falls on both alike; keep the best of each.
  let bestBare = 0;
  let bestFull = 0;
  for (let round = 0; round < 3; round++) {
    bestBare = Math.max(bestBare, await opsPerSecond(bare, 1000));
    bestFull = Math.max(bestFull, await opsPerSecond(full, 1000));
  }
  return [
    '## Terminal verifier',
    '',
    '| what | verifications/s | against the baseline |',
    '| --- | --- | --- |',
    `| baseline: two bare jose ES256 compactVerify (credential, proof), keys imported once | ${bestBare.toFixed(0)} | 1.00x |`,
    `| verifyPresentation: both signatures, every claim and time bound, the deny list | ${bestFull.toFixed(0)} | ${ratio(bestFull, bestBare)} of the baseline's rate |`,
    '',
  ].join('\n');
}
