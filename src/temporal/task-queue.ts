// The task queue workers poll and clients start on when none is given. Its own
// module, so a client that needs the name does not load the worker (the
// Temporal worker runtime and every provider SDK: over 100 MB of a client's memory).
export const DEFAULT_TASK_QUEUE = 'llm-router';
