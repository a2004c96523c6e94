import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type DynamoDBClient, ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';

/** Segments scanned in parallel, each its own file: the export's data files. */
const SEGMENTS = 4;
const PAGE_ITEMS = 1000;

/**
 * The local stand-in for DynamoDB's export to S3: every item of the table, one `{"Item": {...}}` a
 * line with its attributes typed as DynamoDB gives them, gzipped, in `<dir>/data/`. The same format
 * the cloud's point-in-time export writes, so the audit's SQL reads both alike. Consistent reads: the
 * export holds every write that committed before it began.
 */
export async function exportTable(client: DynamoDBClient, tableName: string, dir: string): Promise<number> {
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const counts = await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let written = 0;
      async function* lines() {
        let start: ScanCommandOutput['LastEvaluatedKey'];
        do {
          const page: ScanCommandOutput = await client.send(
            new ScanCommand({
              TableName: tableName,
              Segment: segment,
              TotalSegments: SEGMENTS,
              Limit: PAGE_ITEMS,
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const Item of page.Items ?? []) {
            written++;
            yield `${JSON.stringify({ Item })}\n`;
          }
          start = page.LastEvaluatedKey;
        } while (start);
      }
      await pipeline(lines, createGzip(), createWriteStream(join(dataDir, `part-${segment}.json.gz`)));
      return written;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
