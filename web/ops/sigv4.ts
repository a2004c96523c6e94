import { AwsClient } from 'aws4fetch';

/**
 * The console in the cloud: the admin API is IAM-authorised, so each request is signed with SigV4 by
 * the operator's temporary credentials (from the city's IAM Identity Center access portal, or a
 * Cognito identity pool). The console calls its own origin (CloudFront sends /v1/* on to the API
 * with the API's own host header), so it signs for the API's host and sends to its own.
 */
export interface OperatorCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}
export interface CloudConfig {
  /** The HTTP API's host (`<id>.execute-api.<region>.amazonaws.com.cn`). */
  apiHost: string;
  region: string;
}

/** The request, signed for the API's host, to send to the console's own origin. */
export async function signedRequest(
  request: Request,
  credentials: OperatorCredentials,
  config: CloudConfig,
  datetime?: string,
): Promise<Request> {
  const client = new AwsClient({ ...credentials, service: 'execute-api', region: config.region });
  const url = new URL(request.url);
  const body = request.body ? await request.clone().arrayBuffer() : undefined;
  const signed = await client.sign(`https://${config.apiHost}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    ...(body ? { body } : {}),
    ...(datetime ? { aws: { datetime } } : {}),
  });
  signed.headers.delete('host');
  return new Request(request.url, { method: request.method, headers: signed.headers, ...(body ? { body } : {}) });
}
