/**
 * Parity: each stage built for Terraform has the components and security properties of its
 * CloudFormation output, read the same way from both (tools/parity.ts); the README shows the table.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TerraformStack, Testing } from 'cdktf';
import { subnetPlan } from '../../core/naming';
import { STAGES } from '../../core/stages';
import { cloudFormationParity, renderParityTable, terraformParity } from '../../tools/parity';
import { synthesizeStage } from '../../tools/synth-cache';
import { AL2023_ARM64_PARAMETER } from '../../terraform/app-instance';
import { TfEdge } from '../../terraform/edge';
import { TfWebTier, TfWebTierProps } from '../../terraform/web-tier';
import { synthTerraformStage } from '../support/terraform';

const TERRAFORM_STAGES = STAGES.map((s) => s.number);

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'growth-stages-parity-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));

describe.each(TERRAFORM_STAGES)('stage %i', (stage) => {
  const cfn = () => cloudFormationParity(synthesizeStage(stage, { cacheDir }).templates);
  const tf = () => terraformParity(synthTerraformStage(stage));

  test('CloudFormation and Terraform build the same components with the same security properties', () => {
    expect(tf()).toEqual(cfn());
  });

  test('the README shows the table', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const block = new RegExp(`<!-- parity: stage ${stage} -->\\n([\\s\\S]*?)<!-- /parity: stage ${stage} -->`).exec(readme);
    expect(block?.[1]).toBe(renderParityTable(cfn()));
  });
});

test('stage 5 with a hosted zone: the same Route 53 health checks and failover records from both engines', () => {
  const context = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com' };
  const cfn = cloudFormationParity(synthesizeStage(5, { cacheDir, context }).templates);
  const tf = terraformParity(synthTerraformStage(5, context));
  expect(tf).toEqual(cfn);
  expect(tf['Route 53 records']).toContain('origin.example.com A PRIMARY evaluating target health');
  expect(tf['Route 53 health checks']).toContain('CLOUDWATCH_METRIC webapp-us-west-2-serving (Unhealthy without data)');
});

test('the subnet plan both engines use is the one CDK allocates', () => {
  const cdkSubnets = Object.values<any>(synthesizeStage(1, { cacheDir }).templates['webapp-network'].Resources)
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

const CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
const EDGE_CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/abcdefab-1234-1234-1234-123456789012';

// CloudFront must reach the load balancer where it listens: with a certificate the load balancer
// listens, and admits CloudFront, on 443 only, so an HTTP origin on 80 gets nothing.
test('stage 4 with its own domain: the same HTTPS origin, aliases and viewer certificate from both engines', () => {
  const context = { certificateArn: CERTIFICATE, originDomainName: 'origin.example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE };
  const cfn = cloudFormationParity(synthesizeStage(4, { cacheDir, context }).templates);
  const tf = terraformParity(synthTerraformStage(4, context));
  expect(tf).toEqual(cfn);
  expect(tf.CloudFront).toContain('origins origin.example.com https-only');
  expect(tf.CloudFront).toContain('aliases www.example.com');
  expect(tf.CloudFront).toContain(`viewer certificate ${EDGE_CERTIFICATE} sni-only TLSv1.2_2021`);
  expect(tf['Load balancer admits CloudFront on']).toBe('443');
});

test('stage 5 with certificates and a hosted zone: the same HTTPS origins in the zone from both engines', () => {
  const context = {
    certificateArn: CERTIFICATE, secondaryCertificateArn: CERTIFICATE.replace('us-east-1', 'us-west-2'),
    hostedZoneId: 'Z0123456789ABCDEFGHIJ', hostedZoneName: 'example.com', domainName: 'www.example.com', edgeCertificateArn: EDGE_CERTIFICATE,
  };
  const cfn = cloudFormationParity(synthesizeStage(5, { cacheDir, context }).templates);
  const tf = terraformParity(synthTerraformStage(5, context));
  expect(tf.CloudFront).toEqual(cfn.CloudFront);
  expect(tf.CloudFront).toContain('origins origin-us-east-1.example.com https-only and origin-us-west-2.example.com https-only and origin.example.com https-only');
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
    const stacks = synthTerraformStage(4);
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
    const groups = Object.values<any>(synthTerraformStage(3)['webapp-app'].resource!.aws_lb_target_group);
    expect(groups.map((g) => g.health_check.path)).toEqual(['/health/live']);
  });

  // Nothing changes unless the code says so: the data source is re-read on every plan.
  test('an AMI from the public parameter is kept after creation; a given AMI is used as is', () => {
    const box = Object.values<any>(synthTerraformStage(1)['webapp-app'].resource!.aws_instance)[0];
    expect(box.lifecycle.ignore_changes).toEqual(['ami']);
    const app = synthTerraformStage(3)['webapp-app'];
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
