import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { citizenRouters } from './routers';

const deps = cloudDeps('citizen');
export const handler = deps.instrument(
  handle(createShell({ logger: deps.logger, metrics: deps.metrics }, ...citizenRouters(deps))),
);
