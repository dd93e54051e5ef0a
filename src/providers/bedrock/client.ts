import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { bedrockSdk } from '../../lazy-modules';
import type { ResolvedDeployment } from '../resolve';

/**
 * One Bedrock runtime client per deployment. `maxAttempts: 1` turns the
 * SDK's own retry strategy off; the region and credentials come from
 * resolve.ts (explicit keys, else the AWS default chain, which the SDK walks).
 */
export function createBedrockClient(target: ResolvedDeployment): BedrockRuntimeClient {
  const aws = target.aws;
  const client = new (bedrockSdk().BedrockRuntimeClient)({
    region: aws?.region,
    endpoint: target.apiBase,
    maxAttempts: 1,
    ...(aws?.credentials ? { credentials: aws.credentials } : {}),
    ...(aws?.profile ? { profile: aws.profile } : {}),
  });
  const headers = Object.entries(target.headers);
  if (headers.length > 0) {
    // Added before signing, so extra headers are signed like the rest.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) for (const [name, value] of headers) request.headers[name] = value;
        return next(args);
      },
      { step: 'build', name: 'deploymentHeaders' },
    );
  }
  return client;
}
