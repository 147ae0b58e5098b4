import { Aspects } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES } from '../../core/settings';
import { EncryptLogGroups, LogEncryptionKey } from '../../lib/log-encryption-key';
import { bareStack } from '../support/bare-stack';

/** The statement AWS Control Tower's CT.KMS.PR.3 looks for, in the exact form its rule reads. */
const DENY_GRANTS = {
  Sid: 'DenyGrantsExceptForAwsServices',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

describe('LogEncryptionKey', () => {
  test('admits the regional CloudWatch Logs service for this account\'s log groups only, rotates, is retained and refuses grants', () => {
    const stack = bareStack();
    new LogEncryptionKey(stack, 'LogKey');
    const t = Template.fromStack(stack);
    t.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ EnableKeyRotation: true }) });
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogs',
            Principal: { Service: 'logs.us-east-1.amazonaws.com' },
            Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            Condition: {
              ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:us-east-1:', { Ref: 'AWS::AccountId' }, ':log-group:*']] } },
            },
          }),
          DENY_GRANTS,
        ]),
      },
    });
  });
});

describe('EncryptLogGroups', () => {
  test('gives every log group of the stack without a key one key of the stack, and leaves a group with a key alone', () => {
    const stack = bareStack();
    new logs.LogGroup(stack, 'A');
    new logs.LogGroup(stack, 'B');
    const own = new kms.Key(stack, 'Own');
    new logs.LogGroup(stack, 'C', { encryptionKey: own });
    Aspects.of(stack).add(new EncryptLogGroups());
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::KMS::Key', 2);
    const groups = t.findResources('AWS::Logs::LogGroup');
    const keyOf = (id: string) => Object.entries(groups).find(([logicalId]) => logicalId.startsWith(id))![1].Properties.KmsKeyId['Fn::GetAtt'][0];
    expect(keyOf('A')).toMatch(/^LogKey/);
    expect(keyOf('B')).toBe(keyOf('A'));
    expect(keyOf('C')).toMatch(/^Own/);
  });

  test('adds no key to a stack without log groups', () => {
    const stack = bareStack();
    Aspects.of(stack).add(new EncryptLogGroups());
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });
});

test('the grant refusal of core/settings.ts renders as the statement CT.KMS.PR.3 reads', () => {
  const stack = bareStack();
  new kms.Key(stack, 'Key').addToResourcePolicy(iam.PolicyStatement.fromJson(DENY_GRANTS_EXCEPT_FOR_AWS_SERVICES));
  Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([DENY_GRANTS]) } });
});
