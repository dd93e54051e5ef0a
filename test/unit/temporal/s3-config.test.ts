import { s3ClientConfigFromEnv } from '../../../activities/stores/s3-config';
import { documentSource, outputLocation } from '../../../src/cli/documents';
import { parseS3Url, partsLocation } from '../../../workflows/locations';

// S3 settings come from the worker's environment, the usual AWS names first.
test('no variables: AWS itself, the SDK resolves region and credentials from the profile chain', () => {
  expect(s3ClientConfigFromEnv({})).toEqual({ maxAttempts: 5, forcePathStyle: false });
  expect(s3ClientConfigFromEnv({ AWS_MAX_ATTEMPTS: '2' }).maxAttempts).toBe(2);
});

test('a custom endpoint gets path-style addressing, a default region and only the checksums the API requires', () => {
  expect(s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:8333', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' })).toEqual({
    maxAttempts: 5,
    endpoint: 'http://127.0.0.1:8333',
    region: 'us-east-1',
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
  });
});

test('the service-specific endpoint wins over the global one; the ignore switch drops both; region and path style are explicit when set', () => {
  const env = { AWS_ENDPOINT_URL: 'https://global.example', AWS_ENDPOINT_URL_S3: 'https://s3.example', AWS_REGION: 'eu-west-3', AWS_S3_FORCE_PATH_STYLE: 'false' };
  expect(s3ClientConfigFromEnv(env)).toMatchObject({ endpoint: 'https://s3.example', region: 'eu-west-3', forcePathStyle: false });
  expect(s3ClientConfigFromEnv({ AWS_ENDPOINT_URL: 'https://global.example' })).toMatchObject({ endpoint: 'https://global.example' });
  expect(s3ClientConfigFromEnv({ ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toEqual({ maxAttempts: 5, region: 'eu-west-3', forcePathStyle: false });
  expect(s3ClientConfigFromEnv({ AWS_DEFAULT_REGION: 'ap-south-1', LLM_ROUTER_S3_FORCE_PATH_STYLE: '1' })).toEqual({ maxAttempts: 5, region: 'ap-south-1', forcePathStyle: true });
  expect(s3ClientConfigFromEnv({ AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }).credentials).toEqual({ accessKeyId: 'id', secretAccessKey: 's', sessionToken: 't' });
});

test('malformed variables are one line naming the variable', () => {
  expect(() => s3ClientConfigFromEnv({ AWS_ENDPOINT_URL_S3: 'localhost:8333' })).toThrow('AWS_ENDPOINT_URL_S3=localhost:8333: not an http(s) URL');
  expect(() => s3ClientConfigFromEnv({ AWS_S3_FORCE_PATH_STYLE: 'maybe' })).toThrow('AWS_S3_FORCE_PATH_STYLE=maybe: expected true or false');
  expect(() => s3ClientConfigFromEnv({ AWS_ACCESS_KEY_ID: 'id' })).toThrow('AWS_SECRET_ACCESS_KEY is not set, but AWS_ACCESS_KEY_ID is');
  expect(() => s3ClientConfigFromEnv({ AWS_MAX_ATTEMPTS: 'many' })).toThrow('AWS_MAX_ATTEMPTS=many: expected a positive integer');
});

test('s3:// locations: parsed, checked, and the parts prefix sits beside the output', () => {
  expect(parseS3Url('s3://my-bucket/a/b.jsonl')).toEqual({ bucket: 'my-bucket', key: 'a/b.jsonl' });
  expect(parseS3Url('S3://my-bucket')).toEqual({ bucket: 'my-bucket', key: '' });
  expect(() => parseS3Url('s3:///key')).toThrow('s3:///key: no bucket name (expected s3://bucket/key)');
  expect(() => parseS3Url('s3://Bad_Bucket/k')).toThrow('"Bad_Bucket" is not a valid bucket name');
  expect(partsLocation('s3://b/out.jsonl')).toBe('s3://b/out.jsonl.parts');
});

test('the CLI takes s3:// documents and outputs without touching the network, and refuses malformed ones with a usage error', () => {
  expect(documentSource('s3://docs-bucket/in/', '/tmp', 'pdf')).toEqual({ kind: 's3', url: 's3://docs-bucket/in/', format: 'pdf' });
  expect(documentSource('s3://docs-bucket/in/**/*.md')).toEqual({ kind: 'glob', pattern: 's3://docs-bucket/in/**/*.md' });
  expect(() => documentSource('s3://docs-bucket/in.jsonl', '/tmp', 'pdf')).toThrow('--format pdf: s3://docs-bucket/in.jsonl is JSONL, whose text fields cannot hold PDFs');
  expect(() => documentSource('s3://x/in')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringContaining('"x" is not a valid bucket name') }));
  expect(outputLocation('s3://out-bucket/run/out.jsonl', '--out')).toBe('s3://out-bucket/run/out.jsonl');
  expect(() => outputLocation('s3://out-bucket/run/', '--out')).toThrow('--out s3://out-bucket/run/: names no object (expected s3://bucket/key.jsonl)');
  expect(outputLocation('out.jsonl', '--out', '/data')).toBe('/data/out.jsonl');
});
