import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store function takes: the document client and the table, both made by the caller. */
export interface Store {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /**
   * The clock the ledger records movements by (each attempt of a transaction reads it afresh);
   * the composition root's clock, so tests that move time move the ledger's too. Default: real time.
   */
  clock?: () => Date;
}

export function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Used by the composition roots (Lambda handlers, the local stack, tests), never inside the domain. */
export function dynamoClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient(config);
}
