import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { billerRouters } from './routers';

const deps = cloudDeps('biller');
export const handler = handle(createShell({ logger: deps.logger }, ...billerRouters(deps)));
