// Names of the environment variables through which globalSetup hands the
// shared dev server, the S3 server and the workflow bundle to the
// integration test files. (Not the AWS_* names themselves: a test says
// explicitly which store it points at the S3 server.)
export const TEST_ENV = {
  address: 'TLR_TEST_TEMPORAL_ADDRESS',
  namespace: 'TLR_TEST_TEMPORAL_NAMESPACE',
  bundle: 'TLR_TEST_WORKFLOW_BUNDLE',
  dir: 'TLR_TEST_DIR',
  cliPath: 'TLR_TEST_TEMPORAL_CLI',
  s3Endpoint: 'TLR_TEST_S3_ENDPOINT',
  s3AccessKeyId: 'TLR_TEST_S3_ACCESS_KEY_ID',
  s3SecretAccessKey: 'TLR_TEST_S3_SECRET_ACCESS_KEY',
} as const;

export function requireTestEnv(name: keyof typeof TEST_ENV): string {
  const value = process.env[TEST_ENV[name]];
  if (!value) throw new Error(`${TEST_ENV[name]} is not set: run integration tests through jest (globalSetup starts the server)`);
  return value;
}
