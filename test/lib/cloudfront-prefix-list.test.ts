import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CLOUDFRONT_ORIGIN_FACING, CloudFrontPrefixList } from '../../lib/cloudfront-prefix-list';
import { bareStack, testVpc } from '../support/bare-stack';

describe('CloudFrontPrefixList', () => {
  const stack = bareStack();
  const list = new CloudFrontPrefixList(stack, 'CloudFront');
  new ec2.SecurityGroup(stack, 'Lb', { vpc: testVpc(stack) }).addIngressRule(ec2.Peer.prefixList(list.prefixListId), ec2.Port.tcp(80));
  const t = Template.fromStack(stack);

  test('looks the list up by name at deploy time, on create and on update, with the bundled SDK', () => {
    const [lookup] = Object.values(t.findResources('Custom::AWS')) as any[];
    for (const phase of ['Create', 'Update']) {
      const call = JSON.parse(lookup.Properties[phase]);
      expect(call).toMatchObject({
        service: 'EC2', action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING] }] },
        outputPaths: ['PrefixLists.0.PrefixListId'],
      });
    }
    expect(lookup.Properties.InstallLatestAwsSdk).toBe(false);
  });

  test('may call that read-only action and nothing else', () => {
    const [policy] = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([expect.objectContaining({ Action: 'ec2:DescribeManagedPrefixLists', Resource: '*' })]);
  });

  test('feeds the looked-up ID to a security group rule', () => {
    const [lookupId] = Object.keys(t.findResources('Custom::AWS'));
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourcePrefixListId: { 'Fn::GetAtt': [lookupId, 'PrefixLists.0.PrefixListId'] }, FromPort: 80, ToPort: 80, IpProtocol: 'tcp',
    });
  });
});
