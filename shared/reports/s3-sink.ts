import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ReportSink } from './sink';

/** Reports in the data stack's bucket (encrypted, private, retained); the key is the report's name. */
export function s3Sink(s3: S3Client, bucket: string): ReportSink {
  return {
    async put(name, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: name, Body: body, ContentType: contentType }));
    },
  };
}
