// Workflow entry point for the worker bundle. Only deterministic code and
// activity *types* may be imported from here (lint enforces it).
export { routedCompletion } from './routed-completion';
export { routedEmbedding } from './routed-embedding';
export { routerHealth } from './router-health';
export { routerConfig } from './router-config';
export { healthProbe } from './health-probe';
export { batchSummarize, batchProgressQuery } from './batch-summarize';
export type * from './types';
export type * from './batch-types';
