import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { outletRouters } from './routers';

const deps = cloudDeps('outlet');
export const handler = handle(createShell({ logger: deps.logger }, ...outletRouters(deps)));
