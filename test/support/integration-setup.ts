// Integration tests start workers and real processes; Jest's per-project
// `testTimeout` is not honoured inside `projects`, so it is set here.
jest.setTimeout(120_000);
