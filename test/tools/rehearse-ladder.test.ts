/**
 * `growth-stages rehearse` on the real stages: every ladder step as its runbook deploys it, and
 * the settings changes. Each variant is synthesized once into a temporary cache shared by the file.
 * Where a step is not clean, the test pins what the rehearsal reports, so a fix of the stage shows
 * here as a changed expectation.
 */
import { StageNumber } from '../../core/stages';
import { Rehearsal, rehearseStages } from '../../tools/rehearse/rehearse';
import { renderRehearsal } from '../../tools/rehearse/render';
import { CERTIFICATE } from './fixtures/rehearse/templates';

// Stages come from the project's synth cache (.cache/synth), shared with the CLI and the other
// test files: a warm run synthesizes nothing.

function rehearseMove(from: StageNumber, to: StageNumber, before: Record<string, string> = {}, after: Record<string, string> = before): Rehearsal {
  return rehearseStages({ stage: from, context: before }, { stage: to, context: after });
}

const stepOf = (r: Rehearsal, logicalIdStart: string) => r.steps.find((s) => s.logicalId.startsWith(logicalIdStart))!.index;
const refused = (r: Rehearsal) => r.conflicts.filter((c) => c.severity !== 'notice');

describe('ladder steps', () => {
  test('1 -> 2: AWS accepts every step; the Elastic IP moves to the new box, which serves once the old box has let go of the data volume', () => {
    const r = rehearseMove(1, 2);
    expect(refused(r)).toEqual([]);
    expect(r.usersEntry?.key).toBe('webapp-app/BoxElasticIpDA5B5DF7');
    expect(r.conflicts).toEqual([expect.objectContaining({ rule: 'eip-association', severity: 'notice' })]);
    // Inherent: the copy needs the volume the old box holds; the runbook states this window.
    expect(r.windows).toEqual([expect.objectContaining({ startStep: stepOf(r, 'BoxElasticIpAssociation'), until: 'step' })]);
    expect(r.windows[0].endStep).toBe(r.steps.find((s) => s.operation === 'delete' && s.type === 'AWS::EC2::Instance')!.index);
    expect(r.windows[0].cause).toContain('waits for its data volume');
    expect(r.runbook.downtime[0].text).toMatch(/Elastic IP moves/);
    // The new association is named with a trailing ' in the text, which a newcomer read as a stray quote.
    const text = renderRehearsal(r, false);
    expect(text).toContain("BoxElasticIpAssociationF15D1446' [");
    expect(text).toContain("(a name ending in ' is the new resource a replacement creates while the old one still exists)");
    expect(renderRehearsal(rehearseMove(2, 3, { keepBox: 'true' }), false)).not.toContain("a name ending in '");
  });

  test('2 -> 3 in one deploy: the box loses its internet rules in the network stack, so users are cut off until DNS moves to the load balancer', () => {
    const r = rehearseMove(2, 3);
    expect(refused(r)).toEqual([]);
    expect(r.windows).toEqual([expect.objectContaining({ startStep: stepOf(r, 'AppSecurityGroup'), endStep: null, until: 'dns-moves' })]);
    expect(r.steps[r.windows[0].startStep - 1]).toMatchObject({ stack: 'webapp-network', operation: 'update', logicalId: 'AppSecurityGroupC396D536' });
    expect(r.windows[0].estimate.minSeconds).toBeGreaterThan(15 * 60);
    expect(r.runbook.dnsStep).toMatchObject({ file: 'docs/migrations/2-to-3.md', number: 5 });
    expect(renderRehearsal(r, false)).toContain('until DNS moves');
    // The way out is named after the verdict, not only inside the runbook's downtime paragraph.
    expect(renderRehearsal(r, false)).toContain('step 2 of docs/migrations/2-to-3.md rehearses `npx growth-stages rehearse 2 3 -c keepBox=true`');
  });

  test('2 -> 3 as the runbook does it: keepBox=true keeps serving through the box, and the load balancer serves before DNS moves', () => {
    const r = rehearseMove(2, 3, { keepBox: 'true' });
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.newEntries).toEqual([expect.objectContaining({ key: 'webapp-app/WebLoadBalancer8E8983B1', kind: 'load-balancer' })]);
  });

  test('3 keepBox=true -> false (after DNS moved): the box goes in the cleanup phase, users stay on the load balancer', () => {
    const r = rehearseMove(3, 3, { keepBox: 'true' }, { keepBox: 'false' });
    expect(r.kind).toBe('settings');
    expect(r.usersEntry?.key).toBe('webapp-app/WebLoadBalancer8E8983B1');
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.steps.filter((s) => s.type === 'AWS::EC2::Instance').map((s) => s.phase)).toEqual(['cleanup']);
  });

  test('3 -> 4 in one deploy: the load balancer closes to the internet before CloudFront exists', () => {
    const r = rehearseMove(3, 4);
    expect(refused(r)).toEqual([]);
    expect(r.windows).toEqual([expect.objectContaining({ startStep: stepOf(r, 'LoadBalancerSecurityGroup'), until: 'dns-moves' })]);
  });

  test('3 -> 4 with openOrigin=true: clean; CloudFront serves before DNS moves', () => {
    const r = rehearseMove(3, 4, { openOrigin: 'true' });
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.newEntries.map((e) => e.kind)).toEqual(['cloudfront']);
  });

  // Fixed by keeping CloudFront's prefix-list rule and header rules in the open phase too: the
  // second deploy only removes the internet's rule and turns the default action to 403.
  test('4 openOrigin=true -> false: clean (CloudFront\'s rules exist before the internet\'s go)', () => {
    const r = rehearseMove(4, 4, { openOrigin: 'true' }, { openOrigin: 'false' });
    expect(r.usersEntry?.kind).toBe('cloudfront');
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
  });

  test('4 -> 5: clean through CloudFront', () => {
    const r = rehearseMove(4, 5);
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.stacks.find((s) => s.stack === 'webapp-app-us-west-2')).toMatchObject({ region: 'us-west-2', status: 'created' });
    expect(r.data.filter((d) => ['replaced', 'deleted', 'may-be-replaced'].includes(d.fate))).toEqual([]);
  });
});

describe('settings changes', () => {
  // The architect's finding: a prefix-list rule on a port of its own per certificate was replaced
  // (55 + 55 rules > 60), and port 80 went before CloudFront (edge stack, deployed last) moved to 443.
  test('certificateArn at stage 4 behind CloudFront: the CloudFront rule stays, port 80 serves until CloudFront uses 443', () => {
    const r = rehearseMove(4, 4, {}, { certificateArn: CERTIFICATE, originDomainName: 'origin.example.com' });
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.steps.filter((s) => s.type === 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });

  test('certificateArn at stage 3: one listener per port at every step (the redirect keeps the HTTP listener\'s logical ID)', () => {
    const r = rehearseMove(3, 3, {}, { certificateArn: CERTIFICATE });
    expect(r.conflicts).toEqual([]);
    expect(r.windows).toEqual([]);
    expect(r.steps.filter((s) => s.type === 'AWS::ElasticLoadBalancingV2::Listener').map((s) => `${s.operation} ${s.logicalId}`))
      .toEqual(expect.arrayContaining(['create WebLoadBalancerHttpsListenerF5A68E98', 'update WebLoadBalancerHttpListener6E69E303']));
  });
});
