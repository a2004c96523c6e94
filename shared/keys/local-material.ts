import { randomUUID, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, importJWK, type JWK } from 'jose';
import type { KeyMaterial } from './keyring';

type CryptoKey = webcrypto.CryptoKey;

/**
 * Local signing keys: P-256 pairs generated here and kept in a JSON file in the data dir (or only in
 * memory when `file` is undefined). The cloud uses KMS instead; nothing else differs.
 */
export class LocalKeyMaterial implements KeyMaterial {
  private readonly keys = new Map<string, JWK>();
  private readonly imported = new Map<string, CryptoKey>();

  constructor(private readonly file?: string) {
    if (file && existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, JWK>;
      for (const [ref, jwk] of Object.entries(saved)) this.keys.set(ref, jwk);
    }
  }

  async create(): Promise<{ ref: string; publicJwk: JWK }> {
    const pair = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const privateJwk = await exportJWK(pair.privateKey);
    const ref = `local-${randomUUID()}`;
    this.keys.set(ref, privateJwk);
    this.persist();
    const { kty, crv, x, y } = privateJwk;
    return { ref, publicJwk: { kty, crv, x, y } };
  }

  async sign(ref: string, signingInput: Uint8Array): Promise<Uint8Array> {
    let key = this.imported.get(ref);
    if (!key) {
      const jwk = this.keys.get(ref);
      if (!jwk) throw new Error(`local signing key ${ref} is not in ${this.file ?? 'memory'}`);
      key = (await importJWK(jwk, 'ES256')) as CryptoKey;
      this.imported.set(ref, key);
    }
    // WebCrypto's ECDSA signature is already the raw r||s that JOSE uses.
    return new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, signingInput));
  }

  private persist() {
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.keys)), { mode: 0o600 });
  }
}
