/**
 * The rehearsal's order and checks on small templates whose right answer is known: each check
 * fails on the defect it exists for (a second listener on a port, an ingress rule removed before
 * its replacement exists, a doubled prefix-list rule, a fixed name replaced, a closed database).
 */
import { StageNumber } from '../../core/stages';
import { rehearse, Rehearsal } from '../../tools/rehearse/rehearse';
import { stackOrder } from '../../tools/rehearse/order';
import { renderRehearsal } from '../../tools/rehearse/render';
import { copy, loadBalancedStage, oldCertificateShape } from './fixtures/rehearse/templates';

function run(before: Record<string, any>, after: Record<string, any>, stages: [StageNumber, StageNumber] = [3, 3]): Rehearsal {
  return rehearse({
    kind: stages[0] === stages[1] ? 'settings' : 'move',
    from: { stage: stages[0], context: {}, templates: before },
    to: { stage: stages[1], context: { changed: 'yes' }, templates: after },
  });
}

const stepOf = (r: Rehearsal, logicalId: string, operation?: string) =>
  r.steps.find((s) => s.logicalId === logicalId && (!operation || s.operation === operation))!.index;

describe('rehearse on fixtures', () => {
  test('deploys producers before consumers, whatever the synthesized order', () => {
    const t = loadBalancedStage();
    const reversed = { 'app-app': t['app-app'], 'app-data': t['app-data'], 'app-network': t['app-network'] };
    expect(stackOrder(reversed)).toEqual(['app-network', 'app-data', 'app-app']);
  });

  test('an unchanged stage rehearses clean through the load balancer', () => {
    const r = run(loadBalancedStage(), loadBalancedStage());
    expect(r.usersEntry).toMatchObject({ key: 'app-app/Lb', kind: 'load-balancer' });
    expect(r.steps).toEqual([]);
    expect(r.verdict).toEqual({ accepted: true, serving: true });
  });

  // Issue 12: adding certificateArn at stage 3 created a second port-80 listener before the old one was deleted.
  test('catches the second port-80 listener of the old certificate shape, from its creation to the cleanup', () => {
    const r = run(loadBalancedStage(), oldCertificateShape());
    const conflict = r.conflicts.find((c) => c.rule === 'listener-port')!;
    expect(conflict).toMatchObject({ severity: 'refused', resources: ['app-app/HttpListener', 'app-app/HttpRedirectListener'] });
    expect(conflict.startStep).toBe(stepOf(r, 'HttpRedirectListener', 'create'));
    expect(conflict.endStep).toBe(stepOf(r, 'HttpListener', 'delete'));
    expect(r.verdict.accepted).toBe(false);
    expect(renderRehearsal(r, false)).toContain('AWS REFUSES (listener-port');
  });

  // Issue 12: the 2->3 move removed the internet rules before anything replaced them.
  test('opens an outage window when an ingress rule goes before its replacement exists, and closes it when it does', () => {
    const before = loadBalancedStage();
    const after = copy(before);
    const net = after['app-network'].Resources;
    net.LbGroup.Properties.SecurityGroupIngress = [];
    net.PrefixList = { Type: 'Custom::AWS', Properties: { Create: 'com.amazonaws.global.cloudfront.origin-facing' } };
    net.LbFromCloudFront = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['LbGroup', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIp: '0.0.0.0/0' }, DependsOn: 'PrefixList' };
    const r = run(before, after);
    expect(r.windows).toEqual([expect.objectContaining({ startStep: stepOf(r, 'LbGroup'), endStep: stepOf(r, 'LbFromCloudFront'), until: 'step' })]);
    expect(r.windows[0].cause).toContain('no security group of app-app/Lb admits port 80 from the internet');
    expect(r.windows[0].estimate.maxSeconds).toBeGreaterThan(r.windows[0].estimate.minSeconds);
    expect(r.verdict.serving).toBe(false);
  });

  test('counts a CloudFront prefix-list rule replaced under a new logical ID twice against the 60-rule quota', () => {
    const before = loadBalancedStage();
    const net = before['app-network'].Resources;
    net.PrefixList = { Type: 'Custom::AWS', Properties: { Create: 'com.amazonaws.global.cloudfront.origin-facing' } };
    net.LbFromCloudFront = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': ['LbGroup', 'GroupId'] }, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, SourcePrefixListId: { 'Fn::GetAtt': ['PrefixList', 'PrefixLists.0.PrefixListId'] } } };
    const after = copy(before);
    const moved = after['app-network'].Resources;
    moved.LbFromCloudFrontRenamed = { ...moved.LbFromCloudFront, Properties: { ...moved.LbFromCloudFront.Properties, Description: 'renamed' } };
    delete moved.LbFromCloudFront;
    const r = run(before, after);
    expect(r.conflicts.map((c) => c.rule)).toEqual(expect.arrayContaining(['sg-inbound-quota', 'sg-duplicate-rule']));
    expect(r.conflicts.find((c) => c.rule === 'sg-inbound-quota')!.detail).toContain('111 inbound rules');
  });

  test('refuses to replace a resource with a fixed name', () => {
    const before = loadBalancedStage();
    before['app-data'].Resources.Cluster.Properties.DBClusterIdentifier = 'app-db';
    const after = copy(before);
    after['app-data'].Resources.Cluster.Properties.DatabaseName = 'renamed';
    const r = run(before, after);
    expect(r.conflicts).toEqual([expect.objectContaining({ rule: 'fixed-name', resources: ['app-data/Cluster', "app-data/Cluster'"] })]);
    expect(r.data).toEqual(expect.arrayContaining([expect.objectContaining({ logicalId: 'Cluster', fate: 'replaced' })]));
  });

  test('is not serving while the database does not admit the app', () => {
    const before = loadBalancedStage();
    const after = copy(before);
    delete after['app-data'].Resources.DbFromApp;
    const r = run(before, after);
    expect(r.windows).toEqual([expect.objectContaining({ startStep: stepOf(r, 'DbFromApp', 'delete'), endStep: null, until: 'not-restored' })]);
    expect(r.windows[0].cause).toContain('no security group of app-data/Cluster admits');
  });

  test('flags VPC ranges that overlap across regions', () => {
    const before = loadBalancedStage();
    const after = copy(before);
    after['app-network-us-west-2'] = { Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.128.0/17' } } } };
    const r = run(before, after);
    expect(r.conflicts).toEqual([expect.objectContaining({ rule: 'vpc-cidr-overlap', severity: 'design' })]);
    expect(r.stacks.find((s) => s.stack === 'app-network-us-west-2')!.region).toBe('us-west-2');
  });
});
