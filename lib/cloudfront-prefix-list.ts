import { Stack, Validations } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CLOUDFRONT_ORIGIN_FACING } from '../core/settings';

/** Name of the AWS-managed prefix list of CloudFront's origin-facing addresses (defined once in core/settings). */
export { CLOUDFRONT_ORIGIN_FACING };

/**
 * The ID of the AWS-managed prefix list of CloudFront's origin-facing addresses in this stack's
 * region, looked up at deploy time (`ec2:DescribeManagedPrefixLists`): the ID differs per region
 * and there is no CloudFormation intrinsic or public parameter for it. A security group rule that
 * references the list counts as its maximum entries (55) against the rules-per-group quota (60 by
 * default), so a group can reference it once.
 */
export class CloudFrontPrefixList extends Construct {
  /** `pl-…` of this region. */
  public readonly prefixListId: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING] }] },
      physicalResourceId: cr.PhysicalResourceId.fromResponse('PrefixLists.0.PrefixListId'),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    };
    const lookup = new cr.AwsCustomResource(this, 'Lookup', {
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      // A read-only describe call; its IAM action supports no resource-level permissions.
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribeManagedPrefixLists supports no resource-level permissions; the role may call only that read-only action',
    });
    // The function behind every AwsCustomResource of the stack, which CDK creates once per stack.
    const provider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    if (provider) {
      Validations.of(provider).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "aws-cdk-lib's AwsCustomResource provider function: the managed policy grants only writing its own logs",
      });
    }
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');
  }
}
