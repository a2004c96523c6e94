import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CREATE_REQUIRE_BANNER } from './bundle-area';

export interface AreaFunctionProps {
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  environment: Record<string, string>;
  /** A role made elsewhere (the signer, named in the signing keys' policies); otherwise one of its own. */
  role?: IRole;
  /** Logs that are an audit trail: a year, and kept when the stack is deleted. */
  auditLogs?: boolean;
  /** Logs that explain money records (the jobs that pay): kept ten years, and kept when the stack is deleted. */
  moneyLogs?: boolean;
  /** Instances kept for this function alone, and the most it may run (a flood of taps starves no one else). */
  reservedConcurrency?: number;
  /** Where an asynchronous invocation that failed every retry goes, with its error (the scheduled jobs). */
  onFailure?: IQueue;
}

/**
 * One area's Lambda function, bundled by the local esbuild (no Docker): arm64, Node 22, ESM with
 * the createRequire banner that CommonJS dependencies need, logs kept for a month.
 */
export class AreaFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AreaFunctionProps) {
    super(scope, id);
    // A role of its own with no managed policy: AWSLambdaBasicExecutionRole would let it create log
    // groups and write to any; it writes only to its own log group.
    const role = props.role ?? new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.moneyLogs
        ? RetentionDays.TEN_YEARS
        : props.auditLogs
          ? RetentionDays.ONE_YEAR
          : RetentionDays.ONE_MONTH,
      removalPolicy: props.auditLogs || props.moneyLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.logGroup = logGroup;
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: props.entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      logGroup,
      role,
      // X-Ray: each request's path through the function and its AWS calls, on the trace id the logs carry.
      tracing: Tracing.ACTIVE,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      ...(props.onFailure ? { onFailure: new SqsDestination(props.onFailure), retryAttempts: 2 } : {}),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: CREATE_REQUIRE_BANNER,
        // The SDK ships inside the bundle (infra/bundle-area.ts says why).
        externalModules: [],
        forceDockerBundling: false,
        // Rebuilt by infra/bundle-area.ts with the same settings plus zod's English and Chinese locales only
        // plugin, which esbuild's CLI (what NodejsFunction drives) cannot load: 580 KB become 320 KB.
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `cd "${inputDir}" && node --import tsx infra/bundle-area.ts "${props.entry}" "${outputDir}/index.mjs"`,
          ],
        },
      },
    });
    logGroup.grantWrite(role);
    const runtime =
      'Node.js 22 is the runtime the service is built and tested for; moving to a newer one is a planned change, not a default.';
    Validations.of(this.fn).acknowledge(
      { id: 'AwsSolutions-L1', reason: runtime },
      { id: 'Serverless-LambdaLatestVersion', reason: runtime },
      {
        id: 'Serverless-LambdaDLQ',
        reason: props.onFailure
          ? 'Its asynchronous invocations that fail every retry go to an on-failure destination (an SQS queue with an alarm), which keeps the error beside the event; a dead-letter queue would hold the event alone, twice.'
          : 'Invoked synchronously only (by API Gateway or a state machine’s task): the caller receives the error and retries, nothing is left to dead-letter.',
      },
    );
    // Active tracing's own grant, and any role's: X-Ray takes trace segments on no narrower resource.
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'xray:PutTraceSegments and xray:PutTelemetryRecords (active tracing) are granted by IAM on * only.',
    });
  }
}
