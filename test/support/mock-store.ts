import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

/** A store whose document client answers what a unit test tells it to: for fault injection. */
export function mockedStore(tableName: string) {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'local', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  );
  return { ddb: mockClient(doc), store: { doc, tableName } };
}
