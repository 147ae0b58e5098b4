/**
 * Parity: each stage built for Terraform has the components and security properties of its
 * CloudFormation output, read the same way from both (tools/parity.ts); the README shows the table.
 */
import * as fs from 'fs';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { subnetPlan } from '../../core/naming';
import { STAGES } from '../../core/stages';
import { App, Stack } from 'aws-cdk-lib';
import { CfnKeyPair } from 'aws-cdk-lib/aws-ec2';
import { KeyPair } from '@cdktf/provider-aws/lib/key-pair';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CLOUDFORMATION_TYPES, IGNORED_CLOUDFORMATION_TYPES, ResourceTypeEntry, TERRAFORM_TYPES } from '../../core/resource-types';
import { STATEFUL_TERRAFORM_TYPES, STATEFUL_TYPES } from '../../core/stateful';
import { estimateCost } from '../../tools/cost';
import {
  cloudFormationDetails, cloudFormationParity, ParityDetails, renderParityTable, terraformDetails, terraformParity, TerraformStacks,
  unmappedCloudFormationTypes, unmappedTerraformTypes,
} from '../../tools/parity';
import { StageTemplates, synthesizeStage } from '../../tools/synth-cache';
import { AL2023_ARM64_PARAMETER } from '../../core/settings';
import { TfEdge } from '../../terraform/edge';
import { TfWebTier, TfWebTierProps } from '../../terraform/web-tier';
import { TfWorkerGroup, TfWorkerGroupProps } from '../../terraform/worker-group';
import { synthTerraformStage } from '../support/terraform';

const TERRAFORM_STAGES = STAGES.map((s) => s.number);

// Stages come from the project's synth cache (.cache/synth), shared with the other test files.

/** Both engines' output of a stage and settings, synthesized once per file. */
const outputs = new Map<string, { templates: StageTemplates; stacks: TerraformStacks }>();
function both(stage: number, context: Record<string, unknown> = {}) {
  const key = JSON.stringify([stage, context]);
  if (!outputs.has(key)) {
    outputs.set(key, { templates: synthesizeStage(stage as 1, { context }).templates, stacks: synthTerraformStage(stage, context) });
  }
  return outputs.get(key)!;
}

/**
 * Drifts between the engines found by the detail rows, on record until the side named in the
 * issue changes; a row listed here that agrees again fails, so the entry goes with the fix.
 * - Roles: the CloudFormation instance role has ec2:DescribeTags, the Terraform one
 *   logs:DescribeLogStreams (the CloudWatch agent uses both); the Terraform flow log role adds
 *   logs:DescribeLogGroups.
 * - Boot settings (stage 5): the second region's STAGE is `5 multi-region (us-west-2)` in
 *   CloudFormation and `5 multi-region` in Terraform.
 */
const KNOWN_DRIFTS: Record<number, string[]> = {
  1: [],
  2: [],
  3: [],
  4: [],
  5: [],
};

/** The detail rows that differ, and the details without them. */
function compareDetails(cfn: ParityDetails, tf: ParityDetails) {
  const drifted = Object.keys(cfn).filter((row) => JSON.stringify(cfn[row]) !== JSON.stringify(tf[row])).sort();
  const without = (d: ParityDetails) => Object.fromEntries(Object.entries(d).filter(([row]) => !drifted.includes(row)));
  return { drifted, cfn: without(cfn), tf: without(tf) };
}

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
const EDGE_CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/abcdefab-1234-1234-1234-123456789012';

/** Every stage, and the settings that change which resources a stage emits. */
const VARIANTS: Array<[number, Record<string, unknown>]> = [
  ...TERRAFORM_STAGES.map((stage): [number, Record<string, unknown>] => [stage, {}]),
  [3, { keepBox: true }],
  [4, { openOrigin: 'true' }],
  [4, { certificateArn: CERTIFICATE, originDomainName: 'origin.example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE }],
  [5, { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' }],
  // hardening=strict: the box (stage 2), then both regions' clusters, groups and buckets (stage 5).
  [2, { hardening: 'strict' }],
  [5, { hardening: 'strict' }],
  [5, {
    certificateArn: CERTIFICATE, secondaryCertificateArn: CERTIFICATE.replace('us-east-1', 'us-west-2'),
    hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE,
  }],
];

describe.each(TERRAFORM_STAGES)('stage %i', (stage) => {
  const cfn = () => cloudFormationParity(both(stage).templates);
  const tf = () => terraformParity(both(stage).stacks);

  test('CloudFormation and Terraform build the same components with the same security properties', () => {
    expect(tf()).toEqual(cfn());
  });

  test('the same alarms, boot settings, boot script, dashboards, plumbing and permissions, but for the drifts on record', () => {
    const compared = compareDetails(cloudFormationDetails(both(stage).templates), terraformDetails(both(stage).stacks));
    expect(compared.tf).toEqual(compared.cfn);
    expect(compared.drifted).toEqual(KNOWN_DRIFTS[stage]);
  });

  // The table's page: the README, or the Terraform page of docs/ it links to.
  test('the documentation shows the table', () => {
    const root = path.join(__dirname, '..', '..');
    const pages = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).map((f) => path.join('docs', f))].filter((f) => f.endsWith('.md'));
    const text = pages.map((f) => fs.readFileSync(path.join(root, f), 'utf8')).join('\n');
    const block = new RegExp(`<!-- parity: stage ${stage} -->\\n([\\s\\S]*?)<!-- /parity: stage ${stage} -->`).exec(text);
    expect(block?.[1]).toBe(renderParityTable(cfn()));
  });
});

test('stage 5 with a hosted zone: the same Route 53 health checks and failover records from both engines', () => {
  const context = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
  const cfn = cloudFormationParity(both(5, context).templates);
  const tf = terraformParity(both(5, context).stacks);
  expect(tf).toEqual(cfn);
  expect(tf['Route 53 records']).toContain('origin-failover.example.com A PRIMARY evaluating target health');
  expect(tf['Route 53 health checks']).toContain('CLOUDWATCH_METRIC webapp-us-west-2-serving (Unhealthy without data)');
});

// As CloudFormation's stage 5: never origin.<zone> (stage 4's hand-made originDomainName; Route 53
// refuses a record beside a plain one of the same name), and the distribution waits for the records.
test('stage 5 as Terraform with a hosted zone: names origin-failover and the regions, and the distribution depends on those records', () => {
  const zoned = both(5, { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' }).stacks['webapp-edge'];
  const records = Object.entries<any>(zoned.resource!.aws_route53_record);
  expect(records.map(([, r]) => r.name).sort()).toEqual(['origin-failover.example.com', 'origin-failover.example.com', 'origin-us-east-1.example.com', 'origin-us-west-2.example.com']);
  const [distribution] = Object.values<any>(zoned.resource!.aws_cloudfront_distribution);
  expect([...distribution.depends_on].sort()).toEqual(records.map(([id]) => `aws_route53_record.${id}`).sort());
  // A renamed failover record is replaced; destroyed first, the write paths would resolve nothing
  // until CloudFront's update deployed.
  const failover = records.filter(([, r]) => r.failover_routing_policy);
  expect(failover).toHaveLength(2);
  for (const [, r] of failover) expect(r.lifecycle).toEqual({ create_before_destroy: true });
});

test('the subnet plan both engines use is the one CDK allocates', () => {
  const cdkSubnets = Object.values<any>(both(1).templates['webapp-network'].Resources)
    .filter((r) => r.Type === 'AWS::EC2::Subnet').map((r) => r.Properties.CidrBlock);
  expect(subnetPlan('10.0.0.0/16').map((s) => s.cidr)).toEqual(cdkSubnets);
  expect(subnetPlan('172.16.16.0/20').map((s) => s.cidr)).toEqual([
    '172.16.16.0/24', '172.16.17.0/24', '172.16.20.0/22', '172.16.24.0/22', '172.16.28.0/24', '172.16.29.0/24',
  ]);
});

test('parity reads a difference as a difference', () => {
  const stacks = synthTerraformStage(1);
  (Object.values<any>(stacks['webapp-app'].resource!.aws_instance)[0]).metadata_options.http_tokens = 'optional';
  expect(terraformParity(stacks)['IMDSv2 required']).toBe('false');
});

// CloudFront must reach the load balancer where it listens: with a certificate the load balancer
// listens, and admits CloudFront, on 443 only, so an HTTP origin on 80 gets nothing.
test('stage 4 with its own domain: the same HTTPS origin, aliases and viewer certificate from both engines', () => {
  const context = { certificateArn: CERTIFICATE, originDomainName: 'origin.example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE };
  const cfn = cloudFormationParity(both(4, context).templates);
  const tf = terraformParity(both(4, context).stacks);
  expect(tf).toEqual(cfn);
  expect(tf.CloudFront).toContain('origins origin.example.com https-only');
  expect(tf.CloudFront).toContain('aliases www.example.com');
  expect(tf.CloudFront).toContain(`viewer certificate ${EDGE_CERTIFICATE} sni-only TLSv1.2_2021`);
  // Both listener ports in one rule that a certificate does not change (the prefix list weighs 55 of 60 rules).
  expect(tf['Load balancer admits CloudFront on']).toBe('80-443');
});

test('stage 5 with certificates and a hosted zone: the same HTTPS origins in the zone from both engines', () => {
  const context = {
    certificateArn: CERTIFICATE, secondaryCertificateArn: CERTIFICATE.replace('us-east-1', 'us-west-2'),
    hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE,
  };
  const cfn = cloudFormationParity(both(5, context).templates);
  const tf = terraformParity(both(5, context).stacks);
  expect(tf.CloudFront).toEqual(cfn.CloudFront);
  expect(tf.CloudFront).toContain('origins origin-failover.example.com https-only and origin-us-east-1.example.com https-only and origin-us-west-2.example.com https-only');
});

test('parity reads a different origin protocol, origin name or viewer certificate as a difference', () => {
  const stacks = synthTerraformStage(4);
  const before = terraformParity(stacks).CloudFront;
  const site = Object.values<any>(stacks['webapp-edge'].resource!.aws_cloudfront_distribution)[0];
  site.origin[0].custom_origin_config.origin_protocol_policy = 'https-only';
  const protocol = terraformParity(stacks).CloudFront;
  expect(protocol).not.toBe(before);
  site.origin[0].domain_name = 'elsewhere.example.com';
  expect(terraformParity(stacks).CloudFront).not.toBe(protocol);
  site.viewer_certificate = { acm_certificate_arn: EDGE_CERTIFICATE, ssl_support_method: 'vip', minimum_protocol_version: 'TLSv1' };
  expect(terraformParity(stacks).CloudFront).toContain('vip TLSv1');
});

describe('Terraform constructs keep the AWS rules', () => {
  /** Resource names of the primary region's listeners, by port. */
  const listeners = (stacks: ReturnType<typeof synthTerraformStage>) => Object.entries<any>(stacks['webapp-app'].resource!.aws_lb_listener)
    .map(([name, l]) => [l.port as number, name] as const);

  // ELB: one listener per port on a load balancer (DuplicateListener). Terraform replaces a
  // renamed resource in no set order with the old one's removal, so a port must keep its name.
  test('each listener port keeps one resource name with or without a certificate, behind CloudFront or not', () => {
    const owners = new Map<number, Set<string>>();
    for (const [stage, context] of [
      [3, {}], [3, { certificateArn: CERTIFICATE }],
      [4, { openOrigin: 'true' }], [4, { openOrigin: 'true', certificateArn: CERTIFICATE, originDomainName: 'origin.example.com' }],
      [4, {}], [4, { certificateArn: CERTIFICATE, originDomainName: 'origin.example.com' }],
    ] as const) {
      const ports = listeners(synthTerraformStage(stage, context));
      expect(new Set(ports.map(([port]) => port)).size).toBe(ports.length);
      for (const [port, name] of ports) owners.set(port, (owners.get(port) ?? new Set()).add(name));
    }
    expect(Object.fromEntries([...owners].map(([port, names]) => [port, [...names]]))).toEqual({
      80: [expect.stringMatching(/^Web_HttpListener_/)],
      443: [expect.stringMatching(/^Web_HttpsListener_/)],
    });
  });

  // Auto Scaling publishes group notifications as its service-linked role; KMS refuses a key policy
  // naming a principal that does not exist yet (MalformedPolicyDocumentException), so the role is
  // matched by ARN in a condition, through SNS only.
  test('the alarm key admits the Auto Scaling service-linked role through SNS, and both groups notify the topic', () => {
    const stacks = both(4).stacks;
    const documents = Object.values<any>(stacks['webapp-network'].data!.aws_iam_policy_document);
    const statement = documents.flatMap((d) => d.statement ?? []).find((st: any) => st.sid === 'AllowAutoScalingNotifications');
    expect(statement).toMatchObject({
      principals: [{ type: 'AWS', identifiers: ['*'] }],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    });
    expect(statement.condition).toEqual(expect.arrayContaining([
      expect.objectContaining({ test: 'ArnLike', variable: 'aws:PrincipalArn', values: [expect.stringContaining(':role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*')] }),
      expect.objectContaining({ test: 'StringEquals', variable: 'kms:ViaService' }),
    ]));
    expect(Object.keys(stacks['webapp-app'].resource!.aws_autoscaling_notification)).toHaveLength(2);
  });

  // Liveness is not readiness: the ELB health type replaces instances failing the target check.
  test('the target group checks the liveness path', () => {
    const groups = Object.values<any>(both(3).stacks['webapp-app'].resource!.aws_lb_target_group);
    expect(groups.map((g) => g.health_check.path)).toEqual(['/health/live']);
  });

  // Nothing changes unless the code says so: the data source is re-read on every plan.
  test('an AMI from the public parameter is kept after creation; a given AMI is used as is', () => {
    const box = Object.values<any>(both(1).stacks['webapp-app'].resource!.aws_instance)[0];
    expect(box.lifecycle.ignore_changes).toEqual(['ami']);
    const app = both(3).stacks['webapp-app'];
    expect(Object.values<any>(app.data!.aws_ssm_parameter).map((p) => p.name)).toEqual([AL2023_ARM64_PARAMETER]);
    expect(Object.values<any>(app.resource!.aws_launch_template)[0].lifecycle.ignore_changes).toEqual(['image_id']);
    const pinned = synthTerraformStage(3, { imageId: 'ami-0123456789abcdef0' })['webapp-app'];
    const template = Object.values<any>(pinned.resource!.aws_launch_template)[0];
    expect(template.image_id).toBe('ami-0123456789abcdef0');
    expect(template.lifecycle).toBeUndefined();
    expect(pinned.data?.aws_ssm_parameter).toBeUndefined();
  });

  // CloudFormation: a rolling update's MinInstancesInService must be less than MaxSize; the
  // Terraform tier refuses the same sizes so both engines accept the same configuration.
  test('the web tier errors when maxCapacity does not exceed minCapacity', () => {
    const props: TfWebTierProps = {
      vpcId: 'vpc-1', loadBalancerSubnetIds: ['subnet-1'], instanceSubnetIds: ['subnet-2'], loadBalancerSecurityGroupId: 'sg-1',
      instanceSecurityGroupId: 'sg-2', database: { secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db' },
      accessLogBucket: 'logs', minCapacity: 3, maxCapacity: 3, alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
      logRetentionDays: 30, instanceType: 't4g.small', region: 'us-east-1', app: { path: __dirname, startCommand: 'node server.js' },
      port: 8080, stageLabel: '3 load-balanced',
    };
    expect(() => new TfWebTier(new TerraformStack(Testing.app(), 'app'), 'Web', props))
      .toThrow('TfWebTier needs maxCapacity > minCapacity (a rolling update keeps minCapacity in service and adds one replacement), got minCapacity 3 and maxCapacity 3: raise maxCapacity to at least 4');
  });

  // The CDK WorkerGroup's rolling update keeps minCapacity - 1 in service, so it refuses fewer than
  // one worker; the Terraform group refuses the same sizes (the check runs before any other prop is read).
  test('the worker group refuses fewer than one worker and fractions, as the CDK group does', () => {
    const build = (sizes: Pick<TfWorkerGroupProps, 'minCapacity' | 'maxCapacity'>) => () =>
      new TfWorkerGroup(new TerraformStack(Testing.app(), 'app'), 'Workers', sizes as TfWorkerGroupProps);
    expect(build({ minCapacity: 0 })).toThrow('TfWorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got 0 and 4');
    expect(build({ maxCapacity: 2.5 })).toThrow('TfWorkerGroup needs whole numbers 1 <= minCapacity <= maxCapacity, got 1 and 2.5');
    expect(build({ minCapacity: 3, maxCapacity: 2 })).toThrow('got 3 and 2');
  });

  test('the edge refuses an HTTPS origin without a name the load balancer certificate carries, and a certificate without aliases', () => {
    const props = {
      loadBalancerDnsName: 'lb.example.com', originVerifyHeader: 'X-Origin-Verify', originVerifyValue: 'v', assetsBucketDomainName: 'assets.s3.amazonaws.com',
      alarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
    };
    const stack = () => new TerraformStack(Testing.app(), 'edge');
    expect(() => new TfEdge(stack(), 'Site', { ...props, originProtocolPolicy: 'https-only' })).toThrow('TfEdge needs originDomainName for an HTTPS origin');
    expect(() => new TfEdge(stack(), 'Site', { ...props, certificateArn: EDGE_CERTIFICATE })).toThrow('TfEdge needs domainNames with a certificateArn');
  });
});

describe('every resource type either engine emits is mapped (core/resource-types.ts)', () => {
  test.each(VARIANTS)('stage %i with %j: no unmapped type, and the details agree but for the drifts on record', (stage, context) => {
    const { templates, stacks } = both(stage, context);
    expect(unmappedCloudFormationTypes(templates)).toEqual([]);
    expect(unmappedTerraformTypes(stacks)).toEqual([]);
    expect(terraformParity(stacks)).toEqual(cloudFormationParity(templates));
    const compared = compareDetails(cloudFormationDetails(templates), terraformDetails(stacks));
    expect(compared.tf).toEqual(compared.cfn);
    expect(compared.drifted).toEqual(KNOWN_DRIFTS[stage]);
  });

  test('a type the map does not know is reported, from either engine', () => {
    const cdk = new Stack(new App(), 'extra', { env: { region: 'us-east-1' } });
    new CfnKeyPair(cdk, 'Key', { keyName: 'extra' });
    const templates = { ...both(1).templates, extra: JSON.parse(JSON.stringify(cdk.resolve((cdk as any)._toCloudFormation()))) };
    expect(unmappedCloudFormationTypes(templates)).toEqual(['AWS::EC2::KeyPair']);
    expect(() => estimateCost(1, templates, 'us-east-1')).toThrow('cost does not know the resource type AWS::EC2::KeyPair: add it to core/resource-types.ts');

    const app = Testing.app();
    const tfStack = new TerraformStack(app, 'extra');
    new AwsProvider(tfStack, 'aws', { region: 'us-east-1' });
    new KeyPair(tfStack, 'Key', { keyName: 'extra', publicKey: 'ssh-ed25519 AAAA' });
    const stacks = { ...both(1).stacks, extra: JSON.parse(Testing.synth(tfStack)) };
    expect(unmappedTerraformTypes(stacks)).toEqual(['aws_key_pair']);
  });

  test('the 80 to 95 change of the Aurora CPU alarm threshold in one engine only fails the parity', () => {
    const { templates, stacks } = both(2);
    const changed = JSON.parse(JSON.stringify(templates));
    const alarm = Object.values<any>(changed['webapp-data'].Resources)
      .find((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.Namespace === 'AWS/RDS' && r.Properties.MetricName === 'CPUUtilization');
    expect(alarm.Properties.Threshold).toBe(80);
    alarm.Properties.Threshold = 95;
    const compared = compareDetails(cloudFormationDetails(changed), terraformDetails(stacks));
    // The dashboard shows the alarm, threshold included.
    expect(compared.drifted).toEqual([...KNOWN_DRIFTS[2], 'Alarms', 'Dashboards'].sort());
    expect(cloudFormationDetails(changed).Alarms).toContainEqual(expect.stringMatching(/^webapp-data: AWS\/RDS CPUUtilization >= 95, on DBClusterIdentifier=<ref>, Average, period 300 s/));
  });

  test('user data is compared setting by setting, references aside', () => {
    const stacks = JSON.parse(JSON.stringify(both(1).stacks));
    const box = Object.values<any>(stacks['webapp-app'].resource.aws_instance)[0];
    box.user_data = box.user_data.replace("export DB_MODE='local'", "export DB_MODE='managed'");
    expect(terraformDetails(stacks)['Boot settings']).not.toEqual(cloudFormationDetails(both(1).templates)['Boot settings']);
    expect(terraformDetails(both(1).stacks)['Boot settings'][0]).toContain('DB_MODE=local');
  });
});

describe('the type map', () => {
  const maps: Array<[string, Record<string, ResourceTypeEntry>, Record<string, ResourceTypeEntry>]> = [
    ['CloudFormation', CLOUDFORMATION_TYPES, TERRAFORM_TYPES], ['Terraform', TERRAFORM_TYPES, CLOUDFORMATION_TYPES],
  ];

  test.each(maps)('every %s counterpart is a type of the other engine, and holds data as it does', (_, map, other) => {
    for (const [type, entry] of Object.entries(map)) {
      if (!Array.isArray(entry.counterpart)) continue;
      for (const counterpart of entry.counterpart as string[]) {
        expect({ type, counterpart, known: counterpart in other }).toEqual({ type, counterpart, known: true });
      }
      // A data holder's counterparts include one that holds data too (the others configure it).
      if (entry.holdsData) expect({ type, holdsData: (entry.counterpart as string[]).some((c) => other[c].holdsData) }).toEqual({ type, holdsData: true });
    }
  });

  test('every parity row the map names is a row the parity compares', () => {
    const rows = new Set([...Object.keys(cloudFormationParity(both(1).templates)), ...Object.keys(cloudFormationDetails(both(1).templates))]);
    const named = [...Object.values(CLOUDFORMATION_TYPES), ...Object.values(TERRAFORM_TYPES)].flatMap((e) => e.parity);
    expect(named.filter((row) => !rows.has(row))).toEqual([]);
  });

  test('the data holders of both engines come from it, the Terraform ones with the cache, queues, Elastic IP and global cluster', () => {
    expect([...STATEFUL_TERRAFORM_TYPES]).toEqual(expect.arrayContaining([
      'aws_elasticache_replication_group', 'aws_sqs_queue', 'aws_eip', 'aws_rds_global_cluster', 'aws_ebs_volume', 'aws_rds_cluster', 'aws_vpc',
    ]));
    expect([...STATEFUL_TYPES]).toEqual(expect.arrayContaining(['AWS::ElastiCache::ReplicationGroup', 'AWS::SQS::Queue', 'AWS::EC2::EIP', 'AWS::RDS::GlobalCluster']));
    expect(Object.keys(IGNORED_CLOUDFORMATION_TYPES).filter((type) => type in CLOUDFORMATION_TYPES)).toEqual([]);
  });

  // Each priced type of a stage shows up as its cost line in that stage's estimate.
  test.each(TERRAFORM_STAGES)('stage %i: every priced type present has its cost line', (stage) => {
    const { templates } = both(stage);
    const estimate = estimateCost(stage, templates, 'us-east-1', undefined, stage === 5 ? 'us-west-2' : undefined);
    const types = new Set(Object.values<any>(templates).flatMap((t) => Object.values<any>(t.Resources).map((r) => r.Type)));
    const missing = [...types].flatMap((type) => {
      const cost = CLOUDFORMATION_TYPES[type]?.cost;
      if (!cost || !('priced' in cost)) return [];
      return estimate.lines.some((l) => l.item.replace(/^us-west-2: /, '').startsWith(cost.priced)) ? [] : [`${type}: ${cost.priced}`];
    });
    expect(missing).toEqual([]);
  });
});
