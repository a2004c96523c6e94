import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/dynamo-local';

/** One DynamoDB Local for the whole run, in memory; each test file makes its own table. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoLocal(':memory:');
  project.provide('dynamoEndpoint', dynamo.endpoint);
  return async () => {
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
