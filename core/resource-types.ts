/**
 * Every resource type either engine emits, and what each tool does with it: the parity rows that
 * compare it (tools/parity.ts), its cost line or why it is free (tools/cost.ts), its diagram node
 * or why it is not drawn (tools/diagram.ts), whether it holds data (core/stateful.ts), and its
 * counterpart in the other engine. A type in neither the map nor an ignore list fails the tests,
 * `cost` and `diagram` until someone decides these. Engine-free: no CDK or CDKTF imports.
 */

/** A cost line's item (or the start of it: `EC2 ` is followed by the instance type), or why it costs nothing. */
export type CostTreatment = { readonly priced: string } | { readonly free: string };

/** A diagram node's ID (without a region prefix), or why the type has none. */
export type DiagramTreatment = { readonly node: string } | { readonly notDrawn: string };

export interface ResourceTypeEntry {
  /** Rows of the parity summary or details that compare it. */
  readonly parity: readonly string[];
  readonly cost: CostTreatment;
  readonly diagram: DiagramTreatment;
  /** Replacing or deleting one loses data, or an address someone depends on. */
  readonly holdsData: boolean;
  /** The types of the other engine that build the same thing, or why there is none. */
  readonly counterpart: readonly string[] | { readonly none: string };
}

const free = (reason: string): CostTreatment => ({ free: reason });
const priced = (item: string): CostTreatment => ({ priced: item });
const node = (id: string): DiagramTreatment => ({ node: id });
const notDrawn = (reason: string): DiagramTreatment => ({ notDrawn: reason });
const none = (reason: string) => ({ none: reason });

const PLUMBING = notDrawn('network plumbing inside the VPC box');
const IAM = notDrawn('permissions, not a component');
const CONFIG = free('configuration, no charge of its own');

export const CLOUDFORMATION_TYPES: Readonly<Record<string, ResourceTypeEntry>> = {
  'AWS::EC2::VPC': { parity: ['VPCs'], cost: free('no charge for a VPC'), diagram: notDrawn('the VPC is the box the subnets sit in'), holdsData: true, counterpart: ['aws_vpc'] },
  'AWS::EC2::Subnet': { parity: ['VPC subnets', 'Public subnets assign public IPs'], cost: free('no charge for a subnet'), diagram: notDrawn('the subnet tiers are boxes, not nodes'), holdsData: true, counterpart: ['aws_subnet'] },
  'AWS::EC2::InternetGateway': { parity: ['Internet gateways'], cost: free('no charge for an internet gateway'), diagram: PLUMBING, holdsData: false, counterpart: ['aws_internet_gateway'] },
  'AWS::EC2::VPCGatewayAttachment': { parity: ['Internet gateways'], cost: CONFIG, diagram: PLUMBING, holdsData: false, counterpart: ['aws_internet_gateway'] },
  'AWS::EC2::RouteTable': { parity: ['Route tables'], cost: CONFIG, diagram: PLUMBING, holdsData: false, counterpart: ['aws_route_table'] },
  'AWS::EC2::Route': { parity: ['Routes'], cost: CONFIG, diagram: PLUMBING, holdsData: false, counterpart: ['aws_route'] },
  'AWS::EC2::SubnetRouteTableAssociation': { parity: ['Route table associations'], cost: CONFIG, diagram: PLUMBING, holdsData: false, counterpart: ['aws_route_table_association'] },
  'AWS::EC2::NatGateway': { parity: ['NAT gateways'], cost: priced('NAT gateways'), diagram: node('nat'), holdsData: false, counterpart: ['aws_nat_gateway'] },
  'AWS::EC2::EIP': {
    parity: ['Elastic IPs'], cost: priced('Public IPv4 addresses (Elastic IPs)'),
    diagram: notDrawn('drawn through its association: an address held for a later stage serves nothing'), holdsData: true, counterpart: ['aws_eip'],
  },
  'AWS::EC2::EIPAssociation': { parity: ['Elastic IP associations'], cost: CONFIG, diagram: node('eip'), holdsData: false, counterpart: ['aws_eip_association'] },
  'AWS::EC2::FlowLog': { parity: ['Flow logs'], cost: priced('CloudWatch Logs ingestion'), diagram: notDrawn('monitoring, not in the request path'), holdsData: false, counterpart: ['aws_flow_log'] },
  'AWS::EC2::VPCEndpoint': { parity: ['S3 gateway endpoint'], cost: free('a gateway endpoint has no charge'), diagram: PLUMBING, holdsData: false, counterpart: ['aws_vpc_endpoint'] },
  'AWS::EC2::SecurityGroup': {
    parity: ['Security group rules', 'Ports open to the internet'], cost: free('no charge for a security group'),
    diagram: notDrawn('drawn as the edges it admits'), holdsData: false, counterpart: ['aws_security_group', 'aws_default_security_group'],
  },
  'AWS::EC2::SecurityGroupIngress': {
    parity: ['Security group rules', 'Ports open to the internet', 'App admits the load balancer on', 'Database admits', 'Load balancer admits CloudFront on'],
    cost: CONFIG, diagram: notDrawn('drawn as the edges it admits'), holdsData: false, counterpart: ['aws_vpc_security_group_ingress_rule'],
  },
  'AWS::EC2::SecurityGroupEgress': { parity: ['Security group rules'], cost: CONFIG, diagram: notDrawn('drawn as the edges it admits'), holdsData: false, counterpart: ['aws_vpc_security_group_egress_rule'] },
  'AWS::EC2::Instance': {
    parity: ['Compute', 'Instance images', 'Root volumes', 'Boot settings', 'Boot script'], cost: priced('EC2 '), diagram: node('box'), holdsData: false,
    counterpart: ['aws_instance'],
  },
  'AWS::EC2::LaunchTemplate': {
    parity: ['Compute', 'IMDSv2 required', 'Root volumes', 'Boot settings', 'Boot script'], cost: free('priced through its instances (the EC2 lines)'),
    diagram: notDrawn('part of its instance or group'), holdsData: false, counterpart: ['aws_launch_template', 'aws_instance'],
  },
  'AWS::EC2::Volume': {
    parity: ['Data volumes', 'Data volume kept on removal'], cost: priced('EBS gp3 data volume'), diagram: node('volume'), holdsData: true,
    counterpart: ['aws_ebs_volume'],
  },
  'AWS::DLM::LifecyclePolicy': {
    parity: ['Daily snapshots'], cost: priced('EBS snapshots of the data volume'), diagram: notDrawn('in the data volume\'s label (daily snapshots)'), holdsData: false,
    counterpart: ['aws_dlm_lifecycle_policy'],
  },
  'AWS::AutoScaling::AutoScalingGroup': {
    parity: ['Compute', 'Auto Scaling notifications'], cost: priced('EC2 '), diagram: node('asg'), holdsData: false,
    counterpart: ['aws_autoscaling_group', 'aws_autoscaling_notification'],
  },
  'AWS::AutoScaling::ScalingPolicy': {
    parity: ['Scaling policies'], cost: free('no charge for a scaling policy (its alarms are the alarm line)'),
    diagram: notDrawn('in the group\'s label (scaled on ...)'), holdsData: false, counterpart: ['aws_autoscaling_policy'],
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer': {
    parity: ['Load balancers'], cost: priced('Application Load Balancer'), diagram: node('alb'), holdsData: false, counterpart: ['aws_lb'],
  },
  'AWS::ElasticLoadBalancingV2::Listener': { parity: ['Listeners'], cost: CONFIG, diagram: notDrawn('in the load balancer\'s label'), holdsData: false, counterpart: ['aws_lb_listener'] },
  'AWS::ElasticLoadBalancingV2::ListenerRule': {
    parity: ['Load balancer forwards only with header'], cost: CONFIG, diagram: notDrawn('a rule of the load balancer'), holdsData: false, counterpart: ['aws_lb_listener_rule'],
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': {
    parity: ['Target health check'], cost: CONFIG, diagram: notDrawn('drawn as the load balancer-to-group edge'), holdsData: false, counterpart: ['aws_lb_target_group'],
  },
  'AWS::IAM::Role': { parity: ['Roles'], cost: free('IAM has no charge'), diagram: IAM, holdsData: false, counterpart: ['aws_iam_role', 'aws_iam_role_policy_attachment'] },
  'AWS::IAM::Policy': { parity: ['Roles'], cost: free('IAM has no charge'), diagram: IAM, holdsData: false, counterpart: ['aws_iam_role_policy'] },
  'AWS::IAM::InstanceProfile': { parity: ['Instance profiles'], cost: free('IAM has no charge'), diagram: IAM, holdsData: false, counterpart: ['aws_iam_instance_profile'] },
  'AWS::KMS::Key': {
    parity: ['Alarm topic encrypted', 'Alarm topic key admits', 'KMS keys refuse grants except for AWS services'], cost: priced('KMS customer-managed keys'), diagram: notDrawn('encryption, not a component'),
    holdsData: true, counterpart: ['aws_kms_key'],
  },
  'AWS::SNS::Topic': {
    parity: ['Alarm topic encrypted', 'Alarms'], cost: free('alarm notifications stay within the SNS free tier'),
    diagram: notDrawn('monitoring, not in the request path'), holdsData: false, counterpart: ['aws_sns_topic'],
  },
  'AWS::SNS::TopicPolicy': { parity: ['Topic policies'], cost: CONFIG, diagram: IAM, holdsData: false, counterpart: ['aws_sns_topic_policy'] },
  'AWS::CloudWatch::Alarm': {
    parity: ['Alarms', 'Alarm metrics', 'Move-up alarms', 'Serving alarms (Route 53 reads them)'], cost: priced('CloudWatch alarms (per metric)'),
    diagram: notDrawn('monitoring, not in the request path'), holdsData: false, counterpart: ['aws_cloudwatch_metric_alarm'],
  },
  'AWS::CloudWatch::Dashboard': {
    parity: ['Dashboards'], cost: priced('CloudWatch dashboards'), diagram: notDrawn('monitoring, not in the request path'), holdsData: false,
    counterpart: ['aws_cloudwatch_dashboard'],
  },
  'AWS::Logs::LogGroup': {
    parity: ['Log retention (days)', 'Log groups kept on removal', 'Log groups encrypted with'], cost: priced('CloudWatch Logs ingestion'),
    diagram: notDrawn('monitoring, not in the request path'), holdsData: true, counterpart: ['aws_cloudwatch_log_group'],
  },
  'AWS::RDS::DBCluster': {
    parity: ['Aurora clusters', 'Secondary clusters'], cost: priced('Aurora storage'), diagram: notDrawn('drawn as its instances'), holdsData: true,
    counterpart: ['aws_rds_cluster'],
  },
  'AWS::RDS::DBInstance': { parity: ['Aurora instances', 'Aurora enhanced monitoring'], cost: priced('Aurora Serverless v2 capacity'), diagram: node('db0'), holdsData: true, counterpart: ['aws_rds_cluster_instance'] },
  'AWS::RDS::DBClusterParameterGroup': { parity: ['Aurora clusters'], cost: CONFIG, diagram: notDrawn('configuration of the cluster'), holdsData: false, counterpart: ['aws_rds_cluster_parameter_group'] },
  'AWS::RDS::DBSubnetGroup': { parity: ['DB subnet groups'], cost: CONFIG, diagram: notDrawn('the cluster sits in the Data tier'), holdsData: false, counterpart: ['aws_db_subnet_group'] },
  'AWS::RDS::GlobalCluster': {
    parity: ['Global database'], cost: priced('Aurora global database: replicated write I/O'),
    diagram: notDrawn('drawn as the replication edge between the regions\' clusters'), holdsData: true, counterpart: ['aws_rds_global_cluster'],
  },
  'AWS::SecretsManager::Secret': {
    parity: ['Secrets'], cost: priced('Secrets Manager secrets (and their replicas)'), diagram: notDrawn('read at boot, not in the request path'), holdsData: true,
    counterpart: ['aws_secretsmanager_secret', 'aws_secretsmanager_secret_version', 'random_password'],
  },
  'AWS::SecretsManager::SecretTargetAttachment': {
    parity: ['Secrets'], cost: CONFIG, diagram: notDrawn('configuration of the secret'), holdsData: false,
    counterpart: none('Terraform writes the connection fields into the secret version itself (aws_secretsmanager_secret_version)'),
  },
  'AWS::ElastiCache::ReplicationGroup': { parity: ['Valkey'], cost: priced('ElastiCache for Valkey'), diagram: node('cache'), holdsData: true, counterpart: ['aws_elasticache_replication_group'] },
  'AWS::ElastiCache::SubnetGroup': { parity: ['Cache subnet groups'], cost: CONFIG, diagram: notDrawn('the cache sits in the Data tier'), holdsData: false, counterpart: ['aws_elasticache_subnet_group'] },
  'AWS::SQS::Queue': { parity: ['Queues'], cost: priced('SQS requests'), diagram: node('queue'), holdsData: true, counterpart: ['aws_sqs_queue'] },
  'AWS::SQS::QueuePolicy': { parity: ['Queues refuse plain HTTP'], cost: CONFIG, diagram: IAM, holdsData: false, counterpart: ['aws_sqs_queue_policy'] },
  'AWS::S3::Bucket': {
    parity: ['Buckets', 'Buckets versioned, with a lifecycle'], cost: priced('S3 Standard (logs and assets)'), diagram: node('logs'), holdsData: true,
    counterpart: ['aws_s3_bucket', 'aws_s3_bucket_lifecycle_configuration', 'aws_s3_bucket_logging', 'aws_s3_bucket_ownership_controls',
      'aws_s3_bucket_public_access_block', 'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_versioning'],
  },
  'AWS::S3::BucketPolicy': { parity: ['Bucket policies'], cost: CONFIG, diagram: IAM, holdsData: false, counterpart: ['aws_s3_bucket_policy'] },
  'AWS::CloudFront::Distribution': { parity: ['CloudFront'], cost: priced('CloudFront data to viewers'), diagram: node('cdn'), holdsData: false, counterpart: ['aws_cloudfront_distribution'] },
  'AWS::CloudFront::OriginAccessControl': {
    parity: ['CloudFront'], cost: CONFIG, diagram: notDrawn('drawn as the CloudFront-to-assets edge'), holdsData: false, counterpart: ['aws_cloudfront_origin_access_control'],
  },
  'AWS::WAFv2::WebACL': { parity: ['Web ACL rules'], cost: priced('WAF web ACL'), diagram: node('cdn'), holdsData: false, counterpart: ['aws_wafv2_web_acl'] },
  'AWS::Route53::HealthCheck': { parity: ['Route 53 health checks'], cost: priced('Route 53 health checks'), diagram: node('dns'), holdsData: false, counterpart: ['aws_route53_health_check'] },
  'AWS::Route53::RecordSet': {
    parity: ['Route 53 records'], cost: free('queries to alias records of AWS resources have no charge'), diagram: node('dns'), holdsData: false,
    counterpart: ['aws_route53_record'],
  },
  // Not emitted by a stage (the zone is the user's, by hostedZoneId): `cost` prices one if a template has it.
  'AWS::Route53::HostedZone': {
    parity: [], cost: priced('Route 53 hosted zones'), diagram: notDrawn('the user\'s zone, outside the stage'), holdsData: true,
    counterpart: none('no stage creates a hosted zone; it is the user\'s, named by hostedZoneId'),
  },
  'Custom::AWS': {
    parity: ['Load balancer admits CloudFront on'], cost: free('a lookup at deploy time'), diagram: notDrawn('a deploy-time lookup of CloudFront\'s prefix list'),
    holdsData: false, counterpart: none('Terraform reads the prefix list with the aws_ec2_managed_prefix_list data source'),
  },
  'Custom::VpcRestrictDefaultSG': {
    parity: ['Default security group rules'], cost: free('a deploy-time call'), diagram: PLUMBING, holdsData: false, counterpart: ['aws_default_security_group'],
  },
  'Custom::LogRetention': {
    parity: ['Log retention (days)'], cost: priced('CloudWatch Logs ingestion'), diagram: notDrawn('monitoring, not in the request path'), holdsData: false,
    counterpart: ['aws_cloudwatch_log_group'],
  },
  'Custom::CDKBucketDeployment': {
    parity: ['Static assets uploaded'], cost: free('a deploy-time copy into the assets bucket (its storage is the S3 line)'),
    diagram: notDrawn('drawn as the assets bucket it fills'), holdsData: false, counterpart: ['aws_s3_object'],
  },
};

/** CloudFormation types that are CDK's deploy-time machinery, not part of the stage. */
export const IGNORED_CLOUDFORMATION_TYPES: Readonly<Record<string, string>> = {
  'AWS::Lambda::Function': 'the functions behind CDK\'s custom resources (log retention, default security group, bucket deployment, lookups), run only at deploy time',
  'AWS::Lambda::LayerVersion': 'the AWS CLI layer of CDK\'s bucket deployment function, used only at deploy time',
};

/** A Terraform type that builds what `cloudFormationType` builds, treated the same way. */
const as = (cloudFormationType: string, counterpart: readonly string[] = [cloudFormationType]): ResourceTypeEntry => {
  const { parity, cost, diagram, holdsData } = CLOUDFORMATION_TYPES[cloudFormationType];
  return { parity, cost, diagram, holdsData, counterpart };
};

export const TERRAFORM_TYPES: Readonly<Record<string, ResourceTypeEntry>> = {
  aws_vpc: as('AWS::EC2::VPC'),
  aws_subnet: as('AWS::EC2::Subnet'),
  aws_internet_gateway: as('AWS::EC2::InternetGateway', ['AWS::EC2::InternetGateway', 'AWS::EC2::VPCGatewayAttachment']),
  aws_route_table: as('AWS::EC2::RouteTable'),
  aws_route: as('AWS::EC2::Route'),
  aws_route_table_association: as('AWS::EC2::SubnetRouteTableAssociation'),
  aws_nat_gateway: as('AWS::EC2::NatGateway'),
  aws_eip: as('AWS::EC2::EIP'),
  aws_eip_association: as('AWS::EC2::EIPAssociation'),
  aws_flow_log: as('AWS::EC2::FlowLog'),
  aws_vpc_endpoint: as('AWS::EC2::VPCEndpoint'),
  aws_security_group: as('AWS::EC2::SecurityGroup'),
  aws_default_security_group: as('Custom::VpcRestrictDefaultSG'),
  aws_vpc_security_group_ingress_rule: as('AWS::EC2::SecurityGroupIngress', ['AWS::EC2::SecurityGroupIngress', 'AWS::EC2::SecurityGroup']),
  aws_vpc_security_group_egress_rule: as('AWS::EC2::SecurityGroupEgress', ['AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroup']),
  aws_instance: as('AWS::EC2::Instance', ['AWS::EC2::Instance', 'AWS::EC2::LaunchTemplate']),
  aws_launch_template: as('AWS::EC2::LaunchTemplate', ['AWS::EC2::LaunchTemplate']),
  aws_ebs_volume: as('AWS::EC2::Volume'),
  aws_dlm_lifecycle_policy: as('AWS::DLM::LifecyclePolicy'),
  aws_autoscaling_group: as('AWS::AutoScaling::AutoScalingGroup'),
  aws_autoscaling_notification: { ...as('AWS::AutoScaling::AutoScalingGroup'), parity: ['Auto Scaling notifications'], cost: CONFIG, diagram: notDrawn('configuration of the group') },
  aws_autoscaling_policy: as('AWS::AutoScaling::ScalingPolicy'),
  aws_lb: as('AWS::ElasticLoadBalancingV2::LoadBalancer'),
  aws_lb_listener: as('AWS::ElasticLoadBalancingV2::Listener'),
  aws_lb_listener_rule: as('AWS::ElasticLoadBalancingV2::ListenerRule'),
  aws_lb_target_group: as('AWS::ElasticLoadBalancingV2::TargetGroup'),
  aws_iam_role: as('AWS::IAM::Role'),
  aws_iam_role_policy: as('AWS::IAM::Policy'),
  aws_iam_role_policy_attachment: { ...as('AWS::IAM::Role'), counterpart: ['AWS::IAM::Role'] },
  aws_iam_instance_profile: as('AWS::IAM::InstanceProfile'),
  aws_kms_key: as('AWS::KMS::Key'),
  aws_sns_topic: as('AWS::SNS::Topic'),
  aws_sns_topic_policy: as('AWS::SNS::TopicPolicy'),
  aws_cloudwatch_metric_alarm: as('AWS::CloudWatch::Alarm'),
  aws_cloudwatch_dashboard: as('AWS::CloudWatch::Dashboard'),
  aws_cloudwatch_log_group: as('AWS::Logs::LogGroup', ['AWS::Logs::LogGroup', 'Custom::LogRetention']),
  aws_rds_cluster: as('AWS::RDS::DBCluster'),
  aws_rds_cluster_instance: as('AWS::RDS::DBInstance'),
  aws_rds_cluster_parameter_group: as('AWS::RDS::DBClusterParameterGroup'),
  aws_db_subnet_group: as('AWS::RDS::DBSubnetGroup'),
  aws_rds_global_cluster: as('AWS::RDS::GlobalCluster'),
  aws_secretsmanager_secret: as('AWS::SecretsManager::Secret'),
  aws_secretsmanager_secret_version: { ...as('AWS::SecretsManager::Secret'), cost: free('a version of its secret, priced with it'), holdsData: false },
  random_password: {
    ...as('AWS::SecretsManager::Secret'), cost: free('generated by Terraform, no AWS resource'), holdsData: false,
    diagram: notDrawn('a value in Terraform state, not a component'),
  },
  aws_elasticache_replication_group: as('AWS::ElastiCache::ReplicationGroup'),
  aws_elasticache_subnet_group: as('AWS::ElastiCache::SubnetGroup'),
  aws_sqs_queue: as('AWS::SQS::Queue'),
  aws_sqs_queue_policy: as('AWS::SQS::QueuePolicy'),
  aws_s3_bucket: as('AWS::S3::Bucket'),
  aws_s3_bucket_policy: as('AWS::S3::BucketPolicy'),
  aws_s3_bucket_lifecycle_configuration: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_bucket_logging: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_bucket_ownership_controls: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_bucket_public_access_block: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_bucket_server_side_encryption_configuration: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_bucket_versioning: { ...as('AWS::S3::Bucket'), cost: CONFIG, diagram: notDrawn('configuration of its bucket'), holdsData: false },
  aws_s3_object: {
    parity: ['Static assets uploaded'], cost: free('an object in a bucket priced by the S3 line'), diagram: notDrawn('the app package and assets, copied at apply'),
    holdsData: false, counterpart: ['Custom::CDKBucketDeployment'],
  },
  aws_cloudfront_distribution: as('AWS::CloudFront::Distribution'),
  aws_cloudfront_origin_access_control: as('AWS::CloudFront::OriginAccessControl'),
  aws_wafv2_web_acl: as('AWS::WAFv2::WebACL'),
  aws_route53_health_check: as('AWS::Route53::HealthCheck'),
  aws_route53_record: as('AWS::Route53::RecordSet'),
};

/** Terraform types that are not part of the stage (none today: data sources are not resources). */
export const IGNORED_TERRAFORM_TYPES: Readonly<Record<string, string>> = {};

export type Engine = 'cloudFormation' | 'terraform';

/** The entry of a type, undefined when it is unmapped or ignored. */
export function resourceType(engine: Engine, type: string): ResourceTypeEntry | undefined {
  return (engine === 'cloudFormation' ? CLOUDFORMATION_TYPES : TERRAFORM_TYPES)[type];
}

/** The types of `types` in neither the map nor the ignore list of `engine`, sorted. */
export function unmappedTypes(engine: Engine, types: Iterable<string>): string[] {
  const ignored = engine === 'cloudFormation' ? IGNORED_CLOUDFORMATION_TYPES : IGNORED_TERRAFORM_TYPES;
  return [...new Set(types)].filter((t) => !resourceType(engine, t) && !(t in ignored)).sort();
}

export class UnmappedResourceTypeError extends Error {
  constructor(tool: string, types: readonly string[]) {
    super(`${tool} does not know the resource type${types.length === 1 ? '' : 's'} ${types.join(', ')}: add ${types.length === 1 ? 'it' : 'them'} to core/resource-types.ts`
      + ' (parity rows, cost, diagram, holds data, counterpart) or to its ignore list with a reason');
  }
}

/** Throws when a CloudFormation template set has a type the map does not know. */
export function assertMappedTemplates(tool: string, templates: Record<string, { Resources?: Record<string, { Type: string }> }>): void {
  const missing = unmappedTypes('cloudFormation', Object.values(templates).flatMap((t) => Object.values(t.Resources ?? {}).map((r) => r.Type)));
  if (missing.length) throw new UnmappedResourceTypeError(tool, missing);
}
