/**
 * `TABLE_NAME=<the data stack's table> npm run seed`: loads seeds/ into a deployed stage's table,
 * once (a seeded table is left alone), with the ordinary AWS credentials and region of the shell.
 * DYNAMODB_ENDPOINT points it elsewhere (DynamoDB Local) for a dry run.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

import { resolve } from 'node:path';
import { seedStore } from '../shared/seeds/seed-store';
import { documentClient, dynamoClient } from '../shared/store/store';
import { readSeeds } from './read-seeds';

const tableName = process.env.TABLE_NAME;
if (!tableName) {
  console.error('set TABLE_NAME to the table the data stack made (its CloudFormation output or console)');
  process.exit(2);
}
const client = dynamoClient(process.env.DYNAMODB_ENDPOINT ? { endpoint: process.env.DYNAMODB_ENDPOINT } : {});
try {
  const seeded = await seedStore(
    { doc: documentClient(client), tableName },
    readSeeds(resolve(import.meta.dirname, '../seeds')),
    new Date(),
  );
  console.log(seeded ? `seeded ${tableName}` : `${tableName} already holds the seed city; left as it is`);
} finally {
  client.destroy();
}
