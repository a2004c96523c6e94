import { base64url } from 'jose';

/** Signs raw bytes with ES256 and returns the 64-byte r||s signature JOSE uses. */
export interface Signer {
  kid: string;
  sign(signingInput: Uint8Array): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

/**
 * Builds a compact JWS with a signer whose private key we may never hold (KMS). Verification of
 * every token, ours and the callers', goes through jose with pinned algorithms.
 */
export function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, signer: Signer) {
  return signCompactJwsText(header, JSON.stringify(payload), signer);
}

/** The same over a payload whose exact text matters (a receipt: its hash is over these bytes). */
export async function signCompactJwsText(header: Record<string, unknown>, payloadText: string, signer: Signer) {
  const protectedHeader = base64url.encode(JSON.stringify({ ...header, alg: 'ES256', kid: signer.kid }));
  const body = base64url.encode(payloadText);
  const signingInput = `${protectedHeader}.${body}`;
  const signature = await signer.sign(encoder.encode(signingInput));
  return `${signingInput}.${base64url.encode(signature)}`;
}

/** KMS answers an ECDSA signature as DER (SEQUENCE of two INTEGERs); JOSE wants r||s, 32 bytes each. */
export function derToJoseSignature(der: Uint8Array, size = 32): Uint8Array {
  let offset = 0;
  const expect = (tag: number) => {
    if (der[offset] !== tag) throw new Error(`DER: expected tag ${tag} at ${offset}`);
    offset++;
  };
  const length = () => {
    let len = der[offset++]!;
    if (len & 0x80) {
      const bytes = len & 0x7f;
      len = 0;
      for (let i = 0; i < bytes; i++) len = (len << 8) | der[offset++]!;
    }
    return len;
  };
  expect(0x30);
  length();
  const out = new Uint8Array(size * 2);
  for (let part = 0; part < 2; part++) {
    expect(0x02);
    let len = length();
    let start = offset;
    offset += len;
    while (len > size && der[start] === 0) {
      start++;
      len--;
    }
    if (len > size) throw new Error('DER: integer longer than the curve size');
    out.set(der.subarray(start, start + len), part * size + (size - len));
  }
  return out;
}
