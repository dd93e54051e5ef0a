// Bundle entry for bench:durable: the real workflows plus the no-op baseline, so both run on one worker.
export * from './index';
export { noopBaseline } from './noop-baseline';
