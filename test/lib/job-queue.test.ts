import { Template, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { JobQueue } from '../../lib/job-queue';
import { bareStack } from '../support/bare-stack';

describe('JobQueue', () => {
  const stack = bareStack();
  new JobQueue(stack, 'Jobs', { alarmTopic: new sns.Topic(stack, 'Topic') });
  const t = Template.fromStack(stack);

  test('sends jobs that fail 5 times to an encrypted dead-letter queue kept 14 days', () => {
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.hasResource('AWS::SQS::Queue', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        SqsManagedSseEnabled: true,
        VisibilityTimeout: 120,
        ReceiveMessageWaitTimeSeconds: 20,
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('DeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
      }),
    });
    t.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
  });

  test('refuses plain HTTP on both queues', () => {
    const policies = Object.values(t.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      expect(p.Properties.PolicyDocument.Statement).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
  });

  test('alarms on a dead-lettered job and on a backlog older than 15 minutes', () => {
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
  });
});

test('JobQueue\'s dead-letter queue declares itself one (CT.SQS.PR.1), as SQS behaves without the setting', () => {
  const stack = bareStack();
  new JobQueue(stack, 'Jobs', { alarmTopic: new sns.Topic(stack, 'Topic') });
  Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', { RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
});
