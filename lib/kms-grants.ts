import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Denies `kms:CreateGrant` on `key` to every principal unless the grant is for an AWS resource or
 * the caller is an AWS service (AWS Control Tower's CT.KMS.PR.3, in the exact form its rule
 * reads). Services that hold their own keys through grants (EBS, RDS) still create them; nobody
 * can hand the key to another principal through a grant. Free, and no component here needs more.
 */
export function limitGrantsToAwsServices(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
}
