import type { S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from './sink';

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
  };
}
