import { handle } from 'hono/aws-lambda';
import { createApi } from '../api';
import { cloudDeps } from '../cloud-deps';

const deps = cloudDeps('public');
// The public function serves health, the JWKS and the docs; it builds the whole app so that the
// OpenAPI document it serves lists every route of every area.
export const handler = handle(createApi(deps));
