// Names of the environment variables through which globalSetup hands the
// shared dev server and workflow bundle to the integration test files.
export const TEST_ENV = {
  address: 'TLR_TEST_TEMPORAL_ADDRESS',
  namespace: 'TLR_TEST_TEMPORAL_NAMESPACE',
  bundle: 'TLR_TEST_WORKFLOW_BUNDLE',
  dir: 'TLR_TEST_DIR',
  cliPath: 'TLR_TEST_TEMPORAL_CLI',
} as const;

export function requireTestEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run integration tests through jest (globalSetup starts the server)`);
  return value;
}
