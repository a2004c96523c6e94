import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal } from '../../infra/dynamo-local';
import { cloudGrants, type RoleGrants } from './grants/cloud-grants';

/**
 * One DynamoDB Local for the whole run, in memory (each test file makes its own table), and the
 * grants of every role in the synthesized stacks, which each file's accesses are checked against.
 */
export default async function setup(project: TestProject) {
  const records = process.env.ONECARD_ACCESS_RECORDS;
  if (records) {
    rmSync(records, { force: true });
    mkdirSync(dirname(records), { recursive: true });
  }
  const dynamo = await startDynamoLocal(':memory:');
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('cloudGrants', cloudGrants());
  return async () => {
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    cloudGrants: RoleGrants;
  }
}
