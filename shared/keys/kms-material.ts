import { createPublicKey } from 'node:crypto';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { JWK } from 'jose';
import { derToJoseSignature } from './jws';
import type { KeyMaterial } from './keyring';

/**
 * Signing keys in KMS (ECC_NIST_P256, never leaving it). The data stack makes a pool of three, so
 * previous, current and next are always distinct; rotation reuses the key that left the ring.
 * The KMS client and its commands are loaded on first use: most requests never sign, and loading
 * the SDK package is a good part of a cold start.
 */
export class KmsKeyMaterial implements KeyMaterial {
  constructor(
    private readonly kms: () => Promise<KMSClient>,
    private readonly keyArns: string[],
  ) {}

  async create(inUse: string[]): Promise<{ ref: string; publicJwk: JWK }> {
    const ref = this.keyArns.find((arn) => !inUse.includes(arn));
    if (!ref) throw new Error('every KMS signing key is in use; the pool needs three');
    const { GetPublicKeyCommand } = await import('@aws-sdk/client-kms');
    const { PublicKey } = await (await this.kms()).send(new GetPublicKeyCommand({ KeyId: ref }));
    const jwk = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' }).export({
      format: 'jwk',
    });
    return { ref, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
  }

  async sign(ref: string, signingInput: Uint8Array): Promise<Uint8Array> {
    const { SignCommand } = await import('@aws-sdk/client-kms');
    const { Signature } = await (await this.kms()).send(
      new SignCommand({ KeyId: ref, Message: signingInput, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    return derToJoseSignature(Signature!);
  }
}
