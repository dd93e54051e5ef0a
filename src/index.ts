// Public entry point of temporal-llm-router. Each area re-exports its public API here.
export const PACKAGE_NAME = 'temporal-llm-router';
