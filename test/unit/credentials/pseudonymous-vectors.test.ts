import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CredentialVersion } from '../../../shared/credentials/claims';
import { verifyPresentation } from '../../../shared/credentials/verify';

interface PseudonymousCase {
  name: string;
  credential: string;
  proof: string;
  terminal: { versions: CredentialVersion[]; scope?: string };
  denyPseudonyms?: string[];
  expected: string;
}
const vectors = JSON.parse(readFileSync('docs/vectors/pseudonymous-vectors.json', 'utf8'));
const cases: [string, PseudonymousCase][] = vectors.cases.map((c: PseudonymousCase) => [c.name, c]);

describe('the published version 2 vectors (docs/vectors/pseudonymous-vectors.json)', () => {
  it.each(cases)('%s', async (_name, c) => {
    const verdict = await verifyPresentation(
      {
        credential: c.credential,
        proof: c.proof,
        challenge: vectors.challenge,
        terminalId: vectors.terminalId,
        at: new Date(vectors.at),
      },
      { issuer: vectors.issuer, jwks: vectors.jwks, now: new Date(vectors.now), ...c.terminal },
      { cards: new Set(), devices: new Set(), pseudonyms: new Set(c.denyPseudonyms ?? []) },
    );
    expect(verdict.ok ? 'ACCEPT' : verdict.declineCode).toBe(c.expected);
  });

  it('shows a terminal no card id and no device id in a version 2 credential', () => {
    const claims = JSON.parse(Buffer.from(vectors.cases[0].credential.split('.')[1], 'base64url').toString());
    expect(Object.keys(claims).sort()).toEqual([
      'cid',
      'cnf',
      'exp',
      'fcl',
      'fdy',
      'iat',
      'iss',
      'jti',
      'olim',
      'scp',
      'sub',
    ]);
    expect(JSON.stringify(claims)).not.toContain('card_vectors');
    expect(JSON.stringify(claims)).not.toContain('dev_vectors');
  });
});
