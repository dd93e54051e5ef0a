// HTTP tests hit fake servers on loopback; fault tests wait on short client timeouts.
jest.setTimeout(30_000);
// The AWS SDK warns once per process on Node 20 that its 2027 releases need Node 22; not a test outcome.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
