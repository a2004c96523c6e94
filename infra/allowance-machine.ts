import { type CfnElement, Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ScheduleExpression, Schedule as SchedulerSchedule } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  JsonPath,
  LogLevel,
  Map as MapState,
  StateMachine,
  Succeed,
  TaskInput,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface AllowanceMachineProps {
  /** The allowance job's function: every step of the run (functions/jobs/allowance.ts). */
  steps: IFunction;
  /** When the month's run starts by itself (a cron in Asia/Shanghai). */
  shanghaiCron: string;
  deadLetters?: IQueue;
}

/** Chunks planned or paid at once: a city's 100,000 records are 200 chunks, done in minutes. */
const CHUNKS_AT_ONCE = 16;

/**
 * The allowance run in the cloud: open (the monthly schedule's; an operator's request opens its run
 * itself), plan every chunk in parallel, reserve the total (a fund that cannot cover it ends the run,
 * nothing paid), pay every chunk in parallel, finish. Each step is a Lambda call retried by the state
 * machine, and safe to run again: a chunk planned or paid twice plans and pays once.
 */
export class AllowanceMachine extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: AllowanceMachineProps) {
    super(scope, id);
    const definition = this.definition(props.steps);
    const logs = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL },
    });
    const role = new Role(this, 'SchedulerRole', { assumedBy: new ServicePrincipal('scheduler.amazonaws.com') });
    new SchedulerSchedule(this, 'Monthly', {
      schedule: ScheduleExpression.expression(props.shanghaiCron, TimeZone.ASIA_SHANGHAI),
      target: new StepFunctionsStartExecution(this.stateMachine, {
        role,
        retryAttempts: 2,
        ...(props.deadLetters ? { deadLetterQueue: props.deadLetters } : {}),
      }),
      description: 'OneCard monthly senior living allowance',
    });
    const stack = Stack.of(this);
    const fnArn = `<${stack.getLogicalId(props.steps.node.defaultChild as CfnElement)}.Arn>`;
    Validations.of(this).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${fnArn}:*]`,
        reason: 'The state machine and its schedule invoke the run’s one steps function, any of its versions',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Step Functions delivers its logs and X-Ray traces through actions IAM grants on * only',
      },
    );
  }

  /** Open unless opened, plan every chunk, reserve the total, then pay every chunk and finish, or end uncovered. */
  private definition(steps: IFunction) {
    const step = (name: string, payload: Record<string, unknown>, resultPath: string | null = null) =>
      new LambdaInvoke(this, name, {
        lambdaFunction: steps,
        payload: TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        resultPath: resultPath === null ? JsonPath.DISCARD : resultPath,
      }).addRetry({ maxAttempts: 6, interval: Duration.seconds(5), backoffRate: 2 });
    const open = new LambdaInvoke(this, 'Open', {
      lambdaFunction: steps,
      payload: TaskInput.fromObject({ step: 'open' }),
      payloadResponseOnly: true,
    }).addRetry({ maxAttempts: 6, interval: Duration.seconds(5), backoffRate: 2 });
    const overChunks = (name: string, what: 'plan' | 'pay') =>
      new MapState(this, name, {
        itemsPath: '$.chunks',
        maxConcurrency: CHUNKS_AT_ONCE,
        itemSelector: {
          step: what,
          'runId.$': '$.runId',
          'month.$': '$.month',
          'chunk.$': '$$.Map.Item.Value',
        },
        resultPath: JsonPath.DISCARD,
      }).itemProcessor(
        step(`${name}Chunk`, {
          step: what,
          'runId.$': '$.runId',
          'month.$': '$.month',
          'chunk.$': '$.chunk',
        }),
      );
    const plan = overChunks('Plan', 'plan');
    const reserve = step('Reserve', { step: 'reserve', 'runId.$': '$.runId' }, '$.reserved');
    const pay = overChunks('Pay', 'pay');
    const finish = step('Finish', { step: 'finish', 'runId.$': '$.runId' });
    const notCovered = new Succeed(this, 'NotCovered', {
      comment: 'The fund could not cover the run: it ended failed, nothing paid (the run says so)',
    });
    const run = plan
      .next(reserve)
      .next(
        new Choice(this, 'Covered?')
          .when(Condition.booleanEquals('$.reserved.failed', true), notCovered)
          .otherwise(pay.next(finish)),
      );
    const definition = new Choice(this, 'Opened?').when(Condition.isPresent('$.chunks'), run).otherwise(open.next(run));
    return definition;
  }
}
