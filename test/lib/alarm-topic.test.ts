import { Template, Match } from 'aws-cdk-lib/assertions';
import { AlarmTopic } from '../../lib/alarm-topic';
import { bareStack } from '../support/bare-stack';

describe('AlarmTopic', () => {
  test('encrypts the topic with a rotated key CloudWatch may use, and refuses plain HTTP', () => {
    const stack = bareStack();
    new AlarmTopic(stack, 'Alarms');
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      })]) },
    });
    t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    t.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  // An Auto Scaling group publishes its notifications (and a test notification when it is
  // created) as the service-linked role AWSServiceRoleForAutoScaling, so SNS needs a data key from
  // this key on that role's behalf. KMS refuses a key policy that names a principal which does not
  // exist yet (MalformedPolicyDocumentException), and a fresh account's role arrives with its
  // first group, after the key: the role is matched by ARN in a condition instead.
  test('lets the Auto Scaling service-linked role use the key through SNS, without naming it as a principal', () => {
    const stack = bareStack();
    new AlarmTopic(stack, 'Alarms');
    const statements: any[] = Object.values<any>(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement;
    const autoScaling = statements.find((s) => s.Sid === 'AllowAutoScalingNotifications');
    expect(autoScaling).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: {
        ArnLike: { 'aws:PrincipalArn': { 'Fn::Join': ['', expect.arrayContaining([':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*'])] } },
        StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, 'kms:ViaService': 'sns.us-east-1.amazonaws.com' },
      },
    });
    expect(JSON.stringify(statements.map((s) => s.Principal))).not.toContain('AWSServiceRoleForAutoScaling');
  });

  test('subscribes an e-mail address when given one', () => {
    const stack = bareStack();
    new AlarmTopic(stack, 'Alarms', { email: 'ops@example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});

test('AlarmTopic\'s key refuses grants unless they are for AWS resources or asked by AWS services (CT.KMS.PR.3)', () => {
  const stack = bareStack();
  new AlarmTopic(stack, 'Alarms');
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
      Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny', Action: 'kms:CreateGrant', Principal: { AWS: '*' },
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    })]) },
  });
});
