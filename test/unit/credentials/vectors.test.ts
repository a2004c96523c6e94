import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VectorCase } from '../../../docs/vectors/vector-case';
import { verifyPresentation } from '../../../shared/credentials/verify';

const vectors = JSON.parse(readFileSync('docs/vectors/tap-vectors.json', 'utf8'));
const cases: [string, VectorCase][] = vectors.cases.map((c: VectorCase) => [c.name, c]);

describe('the published test vectors (docs/vectors/tap-vectors.json)', () => {
  it.each(cases)('%s', async (_name, c) => {
    const verdict = await verifyPresentation(
      {
        credential: c.credential,
        proof: c.proof,
        challenge: vectors.challenge,
        terminalId: vectors.terminalId,
        at: new Date(c.at ?? vectors.at),
        ...(c.amountFen !== undefined ? { amountFen: c.amountFen } : {}),
      },
      { issuer: vectors.issuer, jwks: vectors.jwks, now: new Date(vectors.now) },
      { cards: new Set(c.deny?.cards ?? []), devices: new Set(c.deny?.devices ?? []) },
    );
    expect(verdict.ok ? 'ACCEPT' : verdict.declineCode).toBe(c.expected);
  });
});
