// The shared SeaweedFS server that globalSetup started: the AWS variables that
// point a store at it, and a fresh bucket per test file.
import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { createDocumentStore, type DocumentStore } from '../../activities/document-store';
import { s3ClientConfigFromEnv } from '../../activities/stores/s3-config';
import { requireTestEnv } from './test-env';

/** What a worker on this machine would have in its environment to reach the test server. */
export function testS3Env(): {
  AWS_ENDPOINT_URL_S3: string;
  AWS_REGION: string;
  AWS_ACCESS_KEY_ID: string;
  AWS_SECRET_ACCESS_KEY: string;
  AWS_S3_FORCE_PATH_STYLE: string;
} {
  return {
    AWS_ENDPOINT_URL_S3: requireTestEnv('s3Endpoint'),
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: requireTestEnv('s3AccessKeyId'),
    AWS_SECRET_ACCESS_KEY: requireTestEnv('s3SecretAccessKey'),
    AWS_S3_FORCE_PATH_STYLE: 'true',
  };
}

/** The file system and the test S3 server, as a worker's default store would be with `testS3Env()`. */
export function testDocumentStore(listPageSize?: number): DocumentStore {
  return createDocumentStore({ s3: { env: testS3Env(), ...(listPageSize === undefined ? {} : { listPageSize }) } });
}

export function testS3Client(): S3Client {
  return new S3Client(s3ClientConfigFromEnv(testS3Env()));
}

/** A new, empty bucket with a name unique to this run. */
export async function createTestBucket(prefix: string): Promise<string> {
  const bucket = `${prefix}-${randomBytes(5).toString('hex')}`;
  const client = testS3Client();
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}
