// HTTP tests hit fake servers on loopback; fault tests wait on short client timeouts.
jest.setTimeout(30_000);
