import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { merchantRouters } from './routers';

const deps = cloudDeps('merchant');
export const handler = deps.instrument(
  handle(createShell({ logger: deps.logger, metrics: deps.metrics }, ...merchantRouters(deps))),
);
