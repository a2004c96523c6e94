import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { signedRequest } from '../../../web/ops/sigv4';

const credentials = {
  accessKeyId: 'ASIAEXAMPLEOPERATOR1',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLETOKEN',
};
type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (b: Bytes) =>
  typeof b === 'string'
    ? b
    : b instanceof ArrayBuffer
      ? new Uint8Array(b)
      : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

/** SHA-256 (an HMAC when given a key) from node:crypto, in the shape the SDK's signer takes. */
class Sha256 {
  private hash;
  constructor(secret?: Bytes) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Bytes) {
    this.hash.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.hash.digest());
  }
  reset() {}
}
const config = { apiHost: 'abc123.execute-api.cn-north-1.amazonaws.com.cn', region: 'cn-north-1' };

describe('the console’s SigV4 signing (operators in the cloud)', () => {
  it('signs for the API’s host what it sends to its own origin, as the AWS SDK’s signer does', async () => {
    const body = JSON.stringify({ cutoff: '2026-12-04T20:00:00.000Z' });
    const request = new Request('https://console.example.cn/v1/admin/settlement-runs?x=1', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
      body,
    });
    const signed = await signedRequest(request, credentials, config, '20261204T120000Z');
    // Sent to the console's own origin (CloudFront forwards it to the API with the API's host).
    expect(signed.url).toBe('https://console.example.cn/v1/admin/settlement-runs?x=1');
    expect(await signed.text()).toBe(body);

    const sdk = await new SignatureV4({
      credentials,
      region: config.region,
      service: 'execute-api',
      sha256: Sha256,
      applyChecksum: false,
    }).sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: config.apiHost,
        path: '/v1/admin/settlement-runs',
        query: { x: '1' },
        headers: {
          host: config.apiHost,
          'content-type': 'application/json',
          'idempotency-key': 'k-1',
        },
        body,
      },
      // aws4fetch leaves content-type out of the signed headers (the body itself is signed, by its hash).
      { signingDate: new Date('2026-12-04T12:00:00Z'), unsignableHeaders: new Set(['content-type']) },
    );
    expect(signed.headers.get('x-amz-security-token')).toBe(credentials.sessionToken);
    expect(signed.headers.get('authorization')).toBe(sdk.headers.authorization);
  });
});
