export * from './plan.js';
export {
  LABEL_KEY,
  SELECTOR_GRAMMAR,
  describeSelector,
  labelsCompatible,
  matchesSelector,
  selectorMatcher,
  parseSelector,
  selectDevices,
  sharedIds,
  splitLabel,
  whyNoMatch,
} from './selector.js';
export type { ParsedSelector } from './selector.js';
export { CRON_FIELDS, cronDayMatches, parseCron } from './cron.js';
export type { CronField, CronParseResult, CronSchedule } from './cron.js';
export { isTimeZone, wallClock, zonedTimeToUtc } from './zoned-time.js';
export type { WallClock } from './zoned-time.js';
export { nextCronTime, windowStatus } from './maintenance-window.js';
export type { WindowStatus } from './maintenance-window.js';
export { describeWaveSize, emptyWaves } from './empty-waves.js';
export type { EmptyWave } from './empty-waves.js';
export { assignWaves, chooseControls, deviceRank, orderTarget } from './wave-assignment.js';
export {
  MACHINE_EVENTS,
  PAUSE_REASONS,
  RESUME_POINTS,
  ROLLOUT_STATES,
  VERDICTS,
  isFinished,
} from './states.js';
export type {
  MachineEffect,
  MachineEvent,
  MachineEventType,
  MachineShape,
  MachineState,
  PauseReason,
  Refusal,
  ResumePoint,
  RolloutStateName,
  TransitionResult,
  Verdict,
} from './states.js';
export { initialTransition, transition } from './transition.js';
export { normalCdf, normalUpperTail } from './stats/normal.js';
export { logChoose, logGamma } from './stats/log-gamma.js';
export { fisherGreater } from './stats/fisher.js';
export type { FailureCounts } from './stats/fisher.js';
export {
  MANN_WHITNEY_EXACT_LIMIT,
  mannWhitneyGreater,
  mannWhitneyVariance,
} from './stats/mann-whitney.js';
export { exactUpperTail } from './stats/mann-whitney-exact.js';
export { rankFirstSample } from './stats/ranks.js';
export type { MannWhitneyResult } from './stats/mann-whitney.js';
export { hodgesLehmannShift, median } from './stats/hodges-lehmann.js';
export { judgeWave } from './judge.js';
export type { CohortSample, Finding, JudgeInput, JudgeVerdict } from './judge.js';
export { OPERATOR_INPUTS, RolloutEngine } from './engine.js';
export { plainPlan } from './plain-plan.js';
export type { OperatorInput } from './engine.js';
export type * from './engine-types.js';
export type { RolloutView, WaveView } from './engine-view.js';
export { SeededRandom } from './prng.js';
export { rehearse } from './rehearse.js';
export { REHEARSAL_OUTCOMES } from './rehearse-types.js';
export type * from './rehearse-types.js';
