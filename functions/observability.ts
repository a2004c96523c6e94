import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Logger, LogLevel } from '../shared/log/logger';
import { type BusinessMetrics, METRIC_NAMES } from '../shared/observe/metrics';

/** The Lambda invocation's context, as Powertools takes it. */
type Context = Parameters<PowertoolsLogger['addContext']>[0];

/** Every figure is in this namespace, with the function's area as the `service` dimension. */
export const METRIC_NAMESPACE = 'OneCard';

/**
 * The cloud's logs and metrics, by Powertools for AWS Lambda: JSON lines with the Lambda request id,
 * the cold start and the X-Ray trace id, and the API Gateway request id as `correlation_id` (the same
 * id the API's access log and the answer's x-request-id carry); metrics in CloudWatch's embedded
 * format, one line each, never a call of their own.
 */
export function cloudObservability(service: string, level: LogLevel) {
  const powertools = new PowertoolsLogger({
    serviceName: service,
    logLevel: level === 'silent' ? 'SILENT' : (level.toUpperCase() as 'INFO'),
  });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: service });
  const logger: Logger = {
    debug: (message, fields) => powertools.debug(message, fields ?? {}),
    info: (message, fields) => powertools.info(message, fields ?? {}),
    warn: (message, fields) => powertools.warn(message, fields ?? {}),
    error: (message, fields) => powertools.error(message, fields ?? {}),
  };
  const unitOf = (name: keyof typeof METRIC_NAMES) =>
    METRIC_NAMES[name] === 'Count' ? MetricUnit.Count : MetricUnit.NoUnit;
  let stored = false;
  const business: BusinessMetrics = {
    add(name, value, dimensions) {
      if (!dimensions || Object.keys(dimensions).length === 0) {
        // The function's own series: kept, and written in one line when the invocation ends.
        metrics.addMetric(name, unitOf(name), value);
        stored = true;
        return;
      }
      const one = metrics.singleMetric();
      for (const [key, dim] of Object.entries(dimensions)) one.addDimension(key, dim);
      one.addMetric(name, unitOf(name), value);
    },
  };
  /** The handler with each invocation's context in every log line. */
  const instrument =
    <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
    async (event: E, context: Context): Promise<R> => {
      // Lambda always hands a context over; a direct call (a test, a script) may not.
      if (context) powertools.addContext(context);
      const correlation = (event as { requestContext?: { requestId?: string } })?.requestContext?.requestId;
      if (correlation) powertools.appendKeys({ correlation_id: correlation });
      try {
        return await handler(event, context);
      } finally {
        powertools.removeKeys(['correlation_id']);
        if (stored) metrics.publishStoredMetrics();
        stored = false;
      }
    };
  return { logger, metrics: business, instrument };
}
