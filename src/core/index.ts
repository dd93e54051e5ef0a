// Public surface of the pure routing core. Safe to import from workflow code:
// nothing here does I/O, reads the clock or draws randomness on its own.
export * from './types';
export * from './defaults';
export { buildRouterConfig } from './router-config';
export type { RouterSettingsInput } from './router-config';
export { NoDeploymentsAvailableError, FallbacksExhaustedError, describeNoDeployments, describeFallbacksExhausted } from './errors';
