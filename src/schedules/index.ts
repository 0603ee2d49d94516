/**
 * Temporal schedules for recurring fleet runs: the schedule a request describes, and the calls that create,
 * list, pause, trigger and delete it. Errors an operator must fix are ScheduleRequestError subclasses.
 */
export { cronProblem } from './cron';
export {
  ScheduleExistsError,
  ScheduleMissingError,
  ScheduleRejectedError,
  ScheduleRequestError,
} from './errors';
export {
  buildScheduleOptions,
  DEFAULT_CATCHUP_WINDOW,
  FLEET_WORKFLOW_TYPE,
  MIN_CATCHUP_WINDOW_MS,
  scheduledFleetWorkflowId,
  scheduleMemo,
  type ScheduleMemo,
  type ScheduleRequest,
  type ScheduledRunDisplay,
} from './schedule-options';
export { DEFAULT_TIMEZONE, describeTiming, parseTiming, type ScheduleTiming } from './schedule-timing';
export {
  createOrUpdateSchedule,
  deleteSchedule,
  describeSchedule,
  listFleetSchedules,
  pauseSchedule,
  triggerSchedule,
  unpauseSchedule,
  type TriggerOutcome,
} from './schedule-operations';
export { formatScheduleView, scheduleView, type ScheduleView } from './schedule-view';
