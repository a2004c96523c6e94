import { handle } from 'hono/aws-lambda';
import { cloudDeps } from '../cloud-deps';
import { createShell } from '../http/shell';
import { webhookRoutes } from './topup-routes';

const deps = cloudDeps('webhooks');
export const handler = deps.instrument(
  handle(createShell({ logger: deps.logger, metrics: deps.metrics }, webhookRoutes(deps))),
);
