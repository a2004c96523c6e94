import { generateKeyPairSync, sign } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { derToJoseSignature } from '../../../shared/keys/jws';

describe('DER to JOSE signatures (what KMS answers)', () => {
  it('turns 200 DER signatures, short integers included, into r||s that jose verifies', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await importJWK({ ...publicKey.export({ format: 'jwk' }), alg: 'ES256' }, 'ES256');
    for (let i = 0; i < 200; i++) {
      const input = `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.${Buffer.from(`{"n":${i}}`).toString('base64url')}`;
      const der = sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'der' });
      const jose = derToJoseSignature(der);
      expect(jose).toHaveLength(64);
      await expect(compactVerify(`${input}.${Buffer.from(jose).toString('base64url')}`, key)).resolves.toBeTruthy();
    }
  });

  it('refuses what is not a DER signature', () => {
    expect(() => derToJoseSignature(new Uint8Array([1, 2, 3]))).toThrow(/DER/);
  });
});
