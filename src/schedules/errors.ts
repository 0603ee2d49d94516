import { ArchiverError } from '../errors';

/**
 * Problems with a schedule request that the operator has to fix: the CLI reports each as one sentence and exits
 * with 2 (bad usage; nothing was changed).
 */
export class ScheduleRequestError extends ArchiverError {}

/** `create` found a schedule with this id already and `--update` was not given. */
export class ScheduleExistsError extends ScheduleRequestError {
  constructor(readonly scheduleId: string) {
    super(
      `Schedule "${scheduleId}" already exists; pass --update to change it in place, or delete it first.`,
    );
  }
}

export class ScheduleMissingError extends ScheduleRequestError {
  constructor(
    readonly scheduleId: string,
    readonly namespace: string,
  ) {
    super(`Schedule "${scheduleId}" does not exist in Temporal namespace "${namespace}".`);
  }
}

/** The Temporal server refused the schedule (a spec its parser rejects, an unknown time zone, …). */
export class ScheduleRejectedError extends ScheduleRequestError {
  constructor(
    readonly scheduleId: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`The Temporal server rejected schedule "${scheduleId}": ${reason.replace(/\.$/, '')}.`, options);
  }
}
