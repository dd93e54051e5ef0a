// Recurring jobs on Temporal Schedules: a validated spec (cron or interval,
// explicit overlap policy and catch-up window) and the operations behind
// `llm-router schedule create|list|describe|pause|unpause|trigger|delete`.
export { buildScheduleSpec, ScheduleSpecError, DEFAULT_SCHEDULE_OVERLAP, DEFAULT_CATCHUP_WINDOW_MS, MIN_CATCHUP_WINDOW_MS, MIN_INTERVAL_MS } from './spec';
export type { RouterScheduleSpec, OverlapPolicyName, BuiltSchedule } from './spec';
export { cronProblem } from './cron';
export { parseDuration } from './duration';
export {
  createWorkflowSchedule,
  createBatchSchedule,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  unpauseSchedule,
  triggerSchedule,
  deleteSchedule,
  toScheduleView,
  BATCH_SUMMARIZE_WORKFLOW_TYPE,
} from './schedules';
export type { CreateWorkflowScheduleOptions, CreateBatchScheduleOptions, ScheduleView } from './schedules';
