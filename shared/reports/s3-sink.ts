import type { S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from './sink';

/** A download link lives a quarter of an hour: long enough to start it, not to pass it around. */
const LINK_LIFETIME_SECONDS = 15 * 60;

/**
 * Reports in the data stack's bucket (encrypted, private, retained); the key is the report's name.
 * The S3 package is loaded on the first report: only settlement and the allowance write any.
 */
export function s3Sink(s3: () => Promise<S3Client>, bucket: string): ReportSink {
  return {
    async put(name, body, contentType) {
      const { PutObjectCommand } = await import('@aws-sdk/client-s3');
      await (await s3()).send(
        new PutObjectCommand({ Bucket: bucket, Key: name, Body: body, ContentType: contentType }),
      );
    },
    async link(name) {
      const { GetObjectCommand } = await import('@aws-sdk/client-s3');
      const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
      return getSignedUrl(await s3(), new GetObjectCommand({ Bucket: bucket, Key: name }), {
        expiresIn: LINK_LIFETIME_SECONDS,
      });
    },
  };
}
