import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { publishedApi } from './published';

const deps = cloudDeps('public');
// infra/bundle-area.ts copies the document and Swagger UI's files here, beside the bundle.
const assetsDir = join(dirname(fileURLToPath(import.meta.url)), 'docs-assets');
export const handler = deps.instrument(handle(publishedApi(deps, assetsDir)));
