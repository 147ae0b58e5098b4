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

  test('subscribes an e-mail address when given one', () => {
    const stack = bareStack();
    new AlarmTopic(stack, 'Alarms', { email: 'ops@example.com' });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
  });
});
