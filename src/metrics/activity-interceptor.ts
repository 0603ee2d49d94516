import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { activityContext, type ActivityContext } from './activity-context';
import type { ArchiverMetrics } from './archiver-metrics';

/**
 * The worker's activity interceptor. It reads each activity's input and result without the activities knowing:
 * - every log line an activity (or the SDK, for it) writes gets `database`, `table`, `runId` and `batch` as fields;
 * - with metrics on, results become the archiver's counters and failures are counted by error class.
 * The SDK's "Activity started" debug line comes before the input is read, so it carries only the SDK's fields.
 */
export function archiverActivityInterceptors(metrics?: ArchiverMetrics): ActivityInterceptorsFactory {
  return (ctx) => {
    let context: ActivityContext = {};
    return {
      inbound: {
        async execute(input, next) {
          context = activityContext(input.args);
          const activity = ctx.info.activityType;
          const started = process.hrtime.bigint();
          try {
            const result = await next(input);
            metrics?.succeeded(activity, context, result, Number(process.hrtime.bigint() - started) / 1e9);
            return result;
          } catch (error) {
            // A cancellation is how a run ends its lease holder and stops a paused batch: not a failure.
            if (!(error instanceof CancelledFailure) && !ctx.cancellationSignal.aborted) {
              metrics?.failed(activity, context, errorType(error));
            }
            throw error;
          }
        },
      },
      outbound: {
        getLogAttributes: (attributes, next) => next({ ...attributes, ...logFields(context) }),
      },
    };
  };
}

function logFields(context: ActivityContext): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (context.database !== undefined) fields.database = context.database;
  if (context.table !== undefined) fields.table = context.table;
  if (context.runId !== undefined) fields.runId = context.runId;
  if (context.batch !== undefined) fields.batch = context.batch;
  return fields;
}

/** The failure type Temporal records: an ApplicationFailure's type, otherwise the error's class name. */
export function errorType(error: unknown): string {
  if (error instanceof ApplicationFailure && error.type) return error.type;
  if (error instanceof Error) return error.name || 'Error';
  return typeof error;
}
