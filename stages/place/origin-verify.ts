/** The secret value CloudFront sends to the load balancers and they require (stage 4 on). */
import { SecretValue, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { EDGE_REGION, originVerifySecretName, otherRegions } from '../../core/naming';
import { ORIGIN_VERIFY_HEADER } from '../../lib/edge-distribution';
import { Foundation } from './foundation';

/**
 * The value CloudFront sends in the origin-verify header, generated into a named secret in the
 * network stack (deployed first) and replicated to us-east-1 (and `moreRegions`), where the edge
 * stack (and the other regions' app stacks) read it. They resolve it by name at deploy time, so
 * none depends on the network stack for it.
 */
export function originVerifyValue(f: Foundation, moreRegions: string[] = []): string {
  const secretName = originVerifySecretName(f.config.appName);
  const replicas = otherRegions(f.region, [EDGE_REGION, ...moreRegions]);
  const secret = new secretsmanager.Secret(f.network, 'OriginVerifySecret', {
    secretName,
    description: `Value of the ${ORIGIN_VERIFY_HEADER} header CloudFront sends and the load balancer requires`,
    generateSecretString: { passwordLength: 48, excludePunctuation: true },
    replicaRegions: replicas.length ? replicas.map((region) => ({ region })) : undefined,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: 'the load balancer rule and the distribution read the value only when their resources change; rotate it with the runbook 3-to-4 procedure (both values in the rule while CloudFront moves to the new one)',
  });
  return SecretValue.secretsManager(secretName).unsafeUnwrap();
}
