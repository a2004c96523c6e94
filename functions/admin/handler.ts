import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { adminRouters } from './routers';

const deps = cloudDeps('admin');
export const handler = deps.instrument(
  handle(createShell({ logger: deps.logger, metrics: deps.metrics }, ...adminRouters(deps))),
);
