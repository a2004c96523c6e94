import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { billerRouters } from './routers';

const deps = cloudDeps('biller');
export const handler = deps.instrument(
  handle(createShell({ logger: deps.logger, metrics: deps.metrics }, ...billerRouters(deps))),
);
