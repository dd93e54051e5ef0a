// The OpenAI- and Anthropic-compatible gateway (`temporal-llm-router/gateway`, `llm-router serve`).
export { createGateway, GatewayConfigError, DEFAULT_MAX_REQUEST_BYTES, DEFAULT_GATEWAY_PORT, DEFAULT_GATEWAY_HOST } from './gateway';
export type { Gateway, GatewayOptions, SharedHealthStatus } from './gateway';
export type { DurableBackendOptions } from './durable';
export { GatewayError } from './gateway-error';
export type { GatewayErrorCode } from './gateway-error';
export { STATUS_BY_CLASS } from './errors-to-wire';
export type { WireAttempt } from './errors-to-wire';
export { DURABLE_HEADER } from './state';
export { DEFAULT_SHUTDOWN_GRACE_MS } from './shutdown';
export type { Wire } from './wire';
