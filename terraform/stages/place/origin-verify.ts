/** The secret value CloudFront sends to the load balancers and they require (stage 4 on). */
import { TerraformStack } from 'cdktf';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/secretsmanager-secret-version';
import { Password } from '@cdktf/provider-random/lib/password';
import { ORIGIN_VERIFY_HEADER } from '../../../core/settings';
import { EDGE_REGION, originVerifySecretName, otherRegions } from '../../../core/naming';
import { Foundation, randomProvider } from './foundation';

/**
 * The value CloudFront sends in the origin-verify header: generated into a named secret in the
 * network stack (applied first) and replicated to us-east-1 (and `moreRegions`); the app and edge
 * stacks read it by name. Returns the name.
 */
export function originVerifySecret(f: Foundation, moreRegions: string[]): string {
  randomProvider(f.network);
  const name = originVerifySecretName(f.config.appName);
  const value = new Password(f.network, 'OriginVerifyValue', { length: 48, special: false });
  const replicas = otherRegions(f.region, [EDGE_REGION, ...moreRegions]);
  const secret = new SecretsmanagerSecret(f.network, 'OriginVerifySecret', {
    name,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    replica: replicas.length ? replicas.map((region) => ({ region })) : undefined,
  });
  new SecretsmanagerSecretVersion(f.network, 'OriginVerifySecretValue', { secretId: secret.id, secretString: value.result });
  return name;
}

/** The origin-verify value, read by name in `stack`'s region (a replica outside the primary's). */
export function originVerifyValue(stack: TerraformStack, secretName: string): string {
  return new DataAwsSecretsmanagerSecretVersion(stack, 'OriginVerify', { secretId: secretName }).secretString;
}
