// Public test helpers (`temporal-llm-router/testing`). Importable without jest:
// the demo and the benchmarks use the fake provider server too.
export { startFakeProviderServer } from './fake-provider-server';
export type {
  FakeProviderServer,
  FakeProviderServerOptions,
  FakeStep,
  FakeGate,
  RecordedRequest,
  ResponseEnd,
  ScriptOptions,
  WireProtocol,
  RecordedAuth,
  EndpointKind,
} from './fake-provider-server';
export { summarize as fakeSummary } from './canned';
export type { FakeBatchOutcome, FakeBatchRecord, FakeBatchScript } from './wire-batches';
