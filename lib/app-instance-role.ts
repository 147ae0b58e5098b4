import { Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface AppInstanceRoleProps {
  /** Log groups the instances' CloudWatch agent writes to. */
  readonly logGroups: logs.ILogGroup[];
}

/**
 * The IAM role of app instances: Session Manager instead of SSH, and what the CloudWatch agent
 * needs (metrics in the CWAgent namespace only, streams in the given log groups). Callers grant
 * the rest (their secret, their asset).
 */
export class AppInstanceRole extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: AppInstanceRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Resource', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'CWAgent' } },
    }));
    // The CloudWatch agent writes its streams and looks them up (DescribeLogStreams) to resume.
    for (const group of props.logGroups) group.grant(this.role, 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams');
    Validations.of(this.role).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
        reason: 'AWS-maintained minimum for Session Manager access, which replaces SSH',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'cloudwatch:PutMetricData has no resource-level permissions; the condition limits it to the CWAgent namespace',
      },
    );
  }
}
