import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import {
  AssetHashType,
  DockerImage,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  OriginRequestPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { WEB_APPS, WEB_BASE, type WebApp } from './web/build';
import { WEB_CSP } from './web/serve';

const ROOT = resolve(import.meta.dirname, '..');

export interface WebStackProps extends StackProps {
  /** The API the apps call: CloudFront sends /v1/* and /.well-known/* there, so the apps call only their own origin. */
  api: HttpApi;
}

/**
 * The browser apps in the cloud: the wallet (/app/) and the operations console (/ops/), built by Vite
 * at synthesis, on a private S3 bucket that only CloudFront reads (origin access control), behind one
 * distribution with a strict content security policy, the API on the same origin.
 */
export class WebStack extends Stack {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    super(scope, id, props);
    const logs = new Bucket(this, 'WebLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // CloudFront writes its standard logs with object ACLs.
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'It is the web access log bucket itself.' });
    const site = new Bucket(this, 'WebAssets', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'assets/',
      // Built from the repository on every deploy: nothing in it is a record.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.distribution = this.webDistribution(site, logs, props.api);
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    for (const app of WEB_APPS) this.deployApp(app, site, apiHost);
    acknowledgeDeployment(this);
  }

  private webDistribution(site: Bucket, logs: Bucket, api: HttpApi) {
    const headers = new ResponseHeadersPolicy(this, 'WebHeaders', {
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: WEB_CSP, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });
    const apiOrigin = new HttpOrigin(Fn.select(2, Fn.split('/', api.apiEndpoint)));
    const toApi = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
    };
    const distribution = new Distribution(this, 'Web', {
      comment: 'OneCard: the citizen wallet and the operations console',
      defaultBehavior: {
        // Origin access control is not in the China partition's CloudFormation: an origin access
        // identity keeps the bucket private to CloudFront there.
        origin: S3BucketOrigin.withOriginAccessIdentity(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: { '/v1/*': toApi, '/.well-known/*': toApi },
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(distribution).acknowledge(
      { id: 'AwsSolutions-CFR1', reason: 'A city’s residents travel: the wallet is not restricted by country.' },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Per-client limits are enforced by the API itself (rate limits per citizen and client).',
      },
      {
        id: 'AwsSolutions-CFR7',
        reason:
          'Origin access control is not in the China partition’s CloudFormation: an origin access identity keeps the bucket private to CloudFront.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'The default CloudFront certificate until the city’s own domain and certificate are attached.',
      },
    );
    return distribution;
  }

  /** One app's built files under its base path (/app/, /ops/), through a CDK asset bundled by Vite; the console's config. */
  private deployApp(app: WebApp, site: Bucket, apiHost: string) {
    const source = Source.asset(resolve(ROOT, 'web'), {
      // The build reads the typed client and the lock too: the output is what is deployed.
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        // Only if building on this machine fails: the same build in a Node image.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        local: {
          tryBundle(outputDir: string) {
            const cli = resolve(ROOT, 'infra/web/build-cli.ts');
            return (
              spawnSync(process.execPath, ['--import', 'tsx', cli, app, outputDir], { stdio: 'inherit' }).status === 0
            );
          },
        },
      },
    });
    // The console's `config.json`: the API's host and region, which it signs its SigV4 requests for.
    const config = app === 'ops' ? [Source.jsonData('config.json', { apiHost, region: this.region })] : [];
    const deployment = new BucketDeployment(this, `${app[0]!.toUpperCase()}${app.slice(1)}Deployment`, {
      sources: [source, ...config],
      destinationBucket: site,
      destinationKeyPrefix: WEB_BASE[app].slice(1),
      distribution: this.distribution,
      distributionPaths: [`${WEB_BASE[app]}*`],
    });
    return deployment;
  }
}

/**
 * The CDK's own BucketDeployment function (a singleton custom resource that copies the built files
 * into the bucket at deploy time): its role and runtime are the library's, said once here.
 */
function acknowledgeDeployment(stack: Stack) {
  const copier = 'The CDK’s BucketDeployment custom resource, run by CloudFormation at deploy time only';
  const copies = `${copier}: it copies the built apps from the CDK asset bucket into the web bucket and empties what it replaced`;
  Validations.of(stack).acknowledge(
    { id: 'AwsSolutions-L1', reason: `${copier}; its runtime is the library’s.` },
    { id: 'Serverless-LambdaLatestVersion', reason: `${copier}; its runtime is the library’s.` },
    {
      id: 'Serverless-LambdaDLQ',
      reason: `${copier}: a failure fails the deployment, which CloudFormation rolls back.`,
    },
    { id: 'Serverless-LambdaTracing', reason: `${copier}: it runs once per deployment.` },
    {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: `${copier}: its logs.`,
    },
    ...[
      'Action::s3:Abort*',
      'Action::s3:DeleteObject*',
      'Action::s3:GetBucket*',
      'Action::s3:GetObject*',
      'Action::s3:List*',
      'Resource::*',
      'Resource::<WebAssets27872646.Arn>/*',
      `Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-${stack.account}-${stack.region}/*`,
    ].map((finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason: copies })),
  );
}
