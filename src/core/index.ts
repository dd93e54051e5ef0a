// Public surface of the pure routing core. Safe to import from workflow code:
// nothing here does I/O, reads the clock or draws randomness on its own.
export * from './types';
export * from './defaults';
export { buildRouterConfig } from './router-config';
export type { RouterSettingsInput } from './router-config';
export { NoDeploymentsAvailableError, FallbacksExhaustedError, describeNoDeployments, describeFallbacksExhausted } from './errors';
export { emptyRouterState, isCoolingDown } from './state';
export { pick, pickInGroup, resolveGroup } from './pick';
export type { ResolvedGroup } from './pick';
export { recordAttemptStart, recordAttemptEnd, recordSuccess, recordFailure } from './record';
export { decideCooldown } from './cooldown';
export type { CooldownDecision } from './cooldown';
export { ERROR_BEHAVIOUR, behaviourOf, classifyErrorName, policyValue } from './error-kinds';
export type { ErrorBehaviour } from './error-kinds';
export { fallbackGroups } from './fallback-chain';
export { startWalk, nextAttempt, onAttemptResult, onAttemptLost } from './walker';
export { runWalk, countFallbacks } from './driver';
export type { WalkHost, WalkEvent, WalkOutcome, GiveUp, CallResult, CallSuccess, CallFailure, CallLost } from './driver';
export { requestNeeds, routingRequestOf, lastUserText, embeddingRoutingRequest } from './request';
export { configForModel, paramsForDeployment, routesModel, listedModels, aliasTarget, matchWildcard, isWildcard } from './model-names';
export type { RequestNeeds } from './request';
export { scoreComplexity, groupForTier } from './complexity/score';
export type { ComplexityScore } from './complexity/score';
export {
  DEFAULT_COMPLEXITY_KEYWORDS,
  DEFAULT_COMPLEXITY_WEIGHTS,
  DEFAULT_COMPLEXITY_BOUNDARIES,
  DEFAULT_TOKEN_THRESHOLDS,
} from './complexity/keywords';
export { STRATEGIES, UNKNOWN_COST_PER_TOKEN, costPerToken } from './strategies';
export { sharedView, mergeShared } from './shared-state';
export type { SharedHealthView, SharedDeploymentView } from './shared-state';
