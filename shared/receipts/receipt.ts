import { createHash } from 'node:crypto';

/**
 * The link to a receipt (format.ts): SHA-256 of its text's UTF-8 bytes (the JWS payload, decoded),
 * base64url. Made once when the movement commits (the hash goes on the entry in the same transaction)
 * and again whenever the receipt is signed: the hash, not the signature, is the link, so a receipt
 * signed again under a newer key is still the same link of the same chain.
 */
export function receiptSha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('base64url');
}

/** SHA-256 (base64url) of a fare's explanation as JSON: what a receipt says of how the fare was made. */
export const explanationSha256 = (explanation: unknown) => receiptSha256(JSON.stringify(explanation));
