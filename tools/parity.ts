/**
 * What a stage is made of and how it is secured, read the same way from its CloudFormation
 * templates and from its Terraform JSON, so a test can say the two engines build the same thing
 * and the README can show it. Each row is a component or a security property; its value is what
 * both outputs must agree on.
 */
import { createHash } from 'crypto';
import { unmappedTypes } from '../core/resource-types';
import { StageTemplates } from './synth-cache';

export type ParitySummary = Record<string, string>;

/** Terraform JSON per stack (`cdk.tf.json`). */
export type TerraformStacks = Record<string, { resource?: Record<string, Record<string, any>>; data?: Record<string, Record<string, any>>; output?: Record<string, { value: string }> }>;

const list = (values: Iterable<string | number>) => [...values].map(String).sort().join(', ') || 'none';

export function cloudFormationParity(templates: StageTemplates): ParitySummary {
  const all = Object.values(templates).flatMap((t) => Object.values<any>(t.Resources ?? {}));
  const of = (type: string) => all.filter((r) => r.Type === type).map((r) => r.Properties ?? {});
  const instances = of('AWS::EC2::Instance');
  const launchTemplates = of('AWS::EC2::LaunchTemplate');
  // Not the logs of CDK's own deploy-time functions (custom resources), which Terraform has no need of.
  const logGroups = all.filter((r) => r.Type === 'AWS::Logs::LogGroup' && !JSON.stringify(r.Properties.LogGroupName ?? '').includes('/aws/lambda/'));
  // Log groups a service creates (the database's exported log), whose retention CDK sets through a custom resource.
  const retentionOnly = of('Custom::LogRetention').map((r) => r.RetentionInDays);
  // A group's launch template is in its own template (logical IDs repeat across stacks).
  const groups = Object.values(templates).flatMap((t) => Object.values<any>(t.Resources ?? {})
    .filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup')
    .map((r) => ({ g: r.Properties, data: t.Resources[r.Properties.LaunchTemplate.LaunchTemplateId.Ref].Properties.LaunchTemplateData })));
  // An image from a template parameter is re-resolved on every deploy; a dynamic reference only when its resource changes.
  const images = Object.values(templates).flatMap((t) => Object.values<any>(t.Resources ?? {}).flatMap((r) => {
    const imageId = r.Type === 'AWS::EC2::Instance' ? r.Properties.ImageId
      : r.Type === 'AWS::EC2::LaunchTemplate' ? r.Properties.LaunchTemplateData.ImageId : undefined;
    if (imageId === undefined) return [];
    const parameter = imageId.Ref && t.Parameters?.[imageId.Ref];
    if (parameter) return [`${parameter.Default} on every deploy`];
    const dynamic = typeof imageId === 'string' && /^\{\{resolve:ssm:(.+)\}\}$/.exec(imageId);
    return [dynamic ? `${dynamic[1]} when created or changed` : JSON.stringify(imageId)];
  }));
  const ingress = of('AWS::EC2::SecurityGroup').flatMap((g) => g.SecurityGroupIngress ?? [])
    .concat(of('AWS::EC2::SecurityGroupIngress'))
    .filter((r) => r.CidrIp === '0.0.0.0/0').map((r) => `${r.FromPort}`);
  const volumes = of('AWS::EC2::Volume');
  const dlm = of('AWS::DLM::LifecyclePolicy').flatMap((p) => p.PolicyDetails.Schedules);
  return {
    'Stacks': list(Object.keys(templates)),
    'VPC subnets': list(of('AWS::EC2::Subnet').map((s) => s.CidrBlock)),
    'Flow logs': list(of('AWS::EC2::FlowLog').map((f) => f.TrafficType)),
    'S3 gateway endpoint': String(of('AWS::EC2::VPCEndpoint').filter((e) => JSON.stringify(e.ServiceName).includes('s3')).length),
    'Ports open to the internet': list(new Set(ingress)),
    'Compute': list([
      ...instances.map((i) => `instance ${i.InstanceType}${i.Monitoring ? ', detailed monitoring' : ''}${i.NetworkInterfaces?.[0]?.AssociatePublicIpAddress ? ', public IP at launch' : ''}`),
      ...groups.map(({ g, data }) => {
        return `group ${g.MinSize}-${g.MaxSize} ${data.InstanceType}${data.Monitoring?.Enabled ? ', detailed monitoring' : ''}, ${healthChecks(g.HealthCheckType, g.HealthCheckGracePeriod)}`;
      }),
    ]),
    'Instance images': list(new Set(images)),
    'IMDSv2 required': String(launchTemplates.length > 0 && launchTemplates.every((l) => l.LaunchTemplateData.MetadataOptions?.HttpTokens === 'required')),
    'Root volumes': list([...instances.flatMap((i) => i.BlockDeviceMappings), ...launchTemplates.flatMap((l) => l.LaunchTemplateData.BlockDeviceMappings ?? [])]
      .map((b: any) => `${b.Ebs.VolumeType} ${b.Ebs.VolumeSize} GiB${b.Ebs.Encrypted ? ' encrypted' : ''}`)),
    'NAT gateways': String(of('AWS::EC2::NatGateway').length),
    'Load balancers': list(of('AWS::ElasticLoadBalancingV2::LoadBalancer').map((lb) => {
      const attribute = (key: string) => lb.LoadBalancerAttributes.find((a: any) => a.Key === key)?.Value;
      return loadBalancer({
        scheme: lb.Scheme, dropInvalidHeaders: attribute('routing.http.drop_invalid_header_fields.enabled') === 'true',
        deletionProtection: attribute('deletion_protection.enabled') === 'true',
        accessLogs: attribute('access_logs.s3.enabled') === 'true' ? attribute('access_logs.s3.prefix') : undefined,
      });
    })),
    'Listeners': list(of('AWS::ElasticLoadBalancingV2::Listener').map((l) => `${l.Protocol} ${l.Port} ${l.DefaultActions[0].Type}`)),
    'Target health check': list(of('AWS::ElasticLoadBalancingV2::TargetGroup').map((t) =>
      `${t.HealthCheckPath ?? '/'} every ${t.HealthCheckIntervalSeconds} s, healthy ${t.HealthyThresholdCount}, unhealthy ${t.UnhealthyThresholdCount}, ${t.Matcher?.HttpCode}`)),
    'Scaling policies': list(of('AWS::AutoScaling::ScalingPolicy').filter((p) => p.TargetTrackingConfiguration?.PredefinedMetricSpecification)
      .map((p) => `${p.TargetTrackingConfiguration.PredefinedMetricSpecification.PredefinedMetricType} ${p.TargetTrackingConfiguration.TargetValue}`)),
    'App admits the load balancer on': list(of('AWS::EC2::SecurityGroupIngress')
      .filter((r) => /LoadBalancerSecurityGroup/.test(JSON.stringify(r.SourceSecurityGroupId))).map((r) => r.FromPort)),
    'Data volumes': list(volumes.map((v) => `${v.VolumeType} ${v.Size} GiB${v.Encrypted ? ' encrypted' : ''}`)),
    'Data volume kept on removal': list(all.filter((r) => r.Type === 'AWS::EC2::Volume').map((r) => (r.DeletionPolicy === 'Snapshot' || r.DeletionPolicy === 'Retain' ? 'yes' : 'no'))),
    'Daily snapshots': list(dlm.map((s: any) => `${s.CreateRule.Times[0]} UTC, keep ${s.RetainRule.Count}`)),
    'Elastic IPs': String(of('AWS::EC2::EIP').length),
    'Alarm topic encrypted': list(of('AWS::SNS::Topic').map((t) => String(Boolean(t.KmsMasterKeyId)))),
    'Alarm topic key admits': list(new Set(Object.values(templates).flatMap((t) => Object.values<any>(t.Resources ?? {})
      .filter((r) => r.Type === 'AWS::SNS::Topic' && r.Properties.KmsMasterKeyId?.['Fn::GetAtt'])
      .map((r) => t.Resources[r.Properties.KmsMasterKeyId['Fn::GetAtt'][0]].Properties.KeyPolicy.Statement
        .map((st: any) => st.Sid).filter((sid?: string) => sid?.startsWith('Allow')).sort().join(' '))))),
    'Auto Scaling notifications': list(of('AWS::AutoScaling::AutoScalingGroup')
      .map((g) => (g.NotificationConfigurations ?? []).flatMap((n: any) => n.NotificationTypes).sort().join(' ') || 'none')),
    'Move-up alarms': list(of('AWS::CloudWatch::Alarm').map((a) => a.AlarmName).filter((n) => n?.includes('-move-to-'))),
    'Serving alarms (Route 53 reads them)': list(of('AWS::CloudWatch::Alarm').map((a) => a.AlarmName).filter((n) => n?.endsWith('-serving'))),
    'Alarm metrics': list(of('AWS::CloudWatch::Alarm').filter((a) => !a.AlarmName)
      .map((a) => (a.Metrics ? a.Metrics.find((m: any) => m.Expression).Expression : `${a.Namespace}/${a.MetricName}`))),
    'Log retention (days)': list(new Set([...logGroups.map((r) => r.Properties.RetentionInDays), ...retentionOnly])),
    // RetainExceptOnCreate keeps it on removal too (it deletes only what a failed create made).
    'Log groups kept on removal': list(new Set(logGroups.map((r) => (['Retain', 'RetainExceptOnCreate'].includes(r.DeletionPolicy) ? 'yes' : 'no')))),
    'Log groups encrypted with': list(new Set(logGroups.map((r) => (r.Properties.KmsKeyId ? 'a KMS key of the stack' : 'the CloudWatch Logs key')))),
    'KMS keys refuse grants except for AWS services': list(new Set(of('AWS::KMS::Key').map((k) => String(k.KeyPolicy.Statement.some(denyGrants))))),
    'Public subnets assign public IPs': String(of('AWS::EC2::Subnet').filter((sn) => sn.MapPublicIpOnLaunch === true).length),
    'Buckets versioned, with a lifecycle': list(new Set(of('AWS::S3::Bucket').map((b) => bucketCare(
      b.VersioningConfiguration?.Status === 'Enabled', (b.LifecycleConfiguration?.Rules ?? []).some((r: any) => r.Status === 'Enabled'))))),
    'Aurora enhanced monitoring': list(new Set(of('AWS::RDS::DBInstance').map((i) => monitoring(i.MonitoringInterval, i.MonitoringRoleArn)))),
    'Aurora clusters': list(all.filter((r) => r.Type === 'AWS::RDS::DBCluster').map((r) => aurora({
      engine: r.Properties.Engine, version: r.Properties.EngineVersion, port: r.Properties.Port, encrypted: r.Properties.StorageEncrypted,
      deletionProtection: r.Properties.DeletionProtection, backupDays: r.Properties.BackupRetentionPeriod,
      iamAuth: r.Properties.EnableIAMDatabaseAuthentication, capacity: r.Properties.ServerlessV2ScalingConfiguration,
      keptOnRemoval: r.DeletionPolicy === 'Snapshot',
      tls: of('AWS::RDS::DBClusterParameterGroup').some((g) => g.Parameters?.['rds.force_ssl'] === '1'),
    }))),
    'Aurora instances': String(of('AWS::RDS::DBInstance').length),
    'Database admits': list(new Set(of('AWS::EC2::SecurityGroupIngress').filter((r) => r.FromPort === 5433)
      .map((r) => `${sourceName(JSON.stringify(r.SourceSecurityGroupId))} on ${r.FromPort}`))),
    'Secrets': String(of('AWS::SecretsManager::Secret').length),
    'Valkey': list(of('AWS::ElastiCache::ReplicationGroup').map((g) => valkey({
      version: g.EngineVersion, nodes: g.NumCacheClusters, nodeType: g.CacheNodeType, multiAz: g.MultiAZEnabled && g.AutomaticFailoverEnabled,
      atRest: g.AtRestEncryptionEnabled, transit: g.TransitEncryptionMode, authToken: Boolean(g.AuthToken), port: g.Port, snapshots: g.SnapshotRetentionLimit,
      finalSnapshot: all.some((r) => r.Type === 'AWS::ElastiCache::ReplicationGroup' && r.DeletionPolicy === 'Snapshot'),
    }))),
    'Queues': list(of('AWS::SQS::Queue').map((q) => queue({
      sse: q.SqsManagedSseEnabled, retentionSeconds: q.MessageRetentionPeriod, visibility: q.VisibilityTimeout, wait: q.ReceiveMessageWaitTimeSeconds,
      maxReceives: q.RedrivePolicy?.maxReceiveCount,
    }))),
    'Queues refuse plain HTTP': String(of('AWS::SQS::QueuePolicy').filter((p) => JSON.stringify(p).includes('aws:SecureTransport')).length),
    'CloudFront': list(of('AWS::CloudFront::Distribution').map(({ DistributionConfig: c }) => cdn({
      http: c.HttpVersion, ipv6: c.IPV6Enabled, priceClass: c.PriceClass, webAcl: Boolean(c.WebACLId), logs: c.Logging?.Prefix,
      defaultBehavior: `${c.DefaultCacheBehavior.ViewerProtocolPolicy} ${c.DefaultCacheBehavior.AllowedMethods.length} methods cache ${c.DefaultCacheBehavior.CachePolicyId}`,
      paths: (c.CacheBehaviors ?? []).map((b: any) => `${b.PathPattern} cache ${b.CachePolicyId}`),
      headers: c.Origins.flatMap((o: any) => (o.OriginCustomHeaders ?? []).map((h: any) => h.HeaderName)),
      originProtocols: c.Origins.filter((o: any) => o.CustomOriginConfig).map((o: any) => o.CustomOriginConfig.OriginProtocolPolicy),
      customOrigins: new Set(c.Origins.filter((o: any) => o.CustomOriginConfig).map((o: any) => JSON.stringify(o.DomainName))).size,
      originGroups: (c.OriginGroups?.Items ?? []).map((g: any) => g.FailoverCriteria.StatusCodes.Items.sort().join('/')),
      accessControlled: c.Origins.filter((o: any) => o.OriginAccessControlId).length,
      loadBalancerOrigins: c.Origins.filter((o: any) => o.CustomOriginConfig)
        .map((o: any) => `${originName(o.DomainName)} ${o.CustomOriginConfig.OriginProtocolPolicy}`),
      aliases: c.Aliases ?? [],
      viewerCertificate: c.ViewerCertificate?.AcmCertificateArn
        ? [c.ViewerCertificate.AcmCertificateArn, c.ViewerCertificate.SslSupportMethod, c.ViewerCertificate.MinimumProtocolVersion].join(' ')
        : undefined,
    }))),
    'Web ACL rules': list(of('AWS::WAFv2::WebACL').flatMap((w) => w.Rules.map((r: any) => `${w.Scope}: ${r.Name}`))),
    'Load balancer admits CloudFront on': list(of('AWS::EC2::SecurityGroupIngress').filter((r) => r.SourcePrefixListId).map((r) => ports(r.FromPort, r.ToPort))),
    'Load balancer forwards only with header': list(of('AWS::ElasticLoadBalancingV2::ListenerRule')
      .flatMap((r) => r.Conditions.filter((c: any) => c.Field === 'http-header').map((c: any) => c.HttpHeaderConfig.HttpHeaderName))),
    'Global database': list(all.filter((r) => r.Type === 'AWS::RDS::GlobalCluster').map((r) => [r.Properties.GlobalClusterIdentifier,
      r.Properties.SourceDBClusterIdentifier && 'from the existing cluster', r.Properties.DeletionProtection && 'deletion protection'].filter(Boolean).join(', '))),
    'Secondary clusters': list(of('AWS::RDS::DBCluster').filter((c) => c.GlobalClusterIdentifier)
      .map((c) => `${c.DBClusterIdentifier} in ${c.GlobalClusterIdentifier}${c.EnableGlobalWriteForwarding ? ', write forwarding' : ''}${c.MasterUsername ? ', own users' : ''}`)),
    'Route 53 health checks': list(of('AWS::Route53::HealthCheck').map((h) => `${h.HealthCheckConfig.Type} ${h.HealthCheckConfig.AlarmIdentifier.Name} (${h.HealthCheckConfig.InsufficientDataHealthStatus} without data)`)),
    'Route 53 records': list(of('AWS::Route53::RecordSet').map((r) => `${r.Name} ${r.Type}${r.Failover ? ` ${r.Failover}` : ''}${r.AliasTarget?.EvaluateTargetHealth ? ' evaluating target health' : ''}`)),
  };
}

/** Sid of the key policy statement that refuses grants except for AWS services (CT.KMS.PR.3). */
const DENY_GRANTS_SID = 'DenyGrantsExceptForAwsServices';
const denyGrants = (st: any) => st.Sid === DENY_GRANTS_SID && st.Effect === 'Deny';

/** The statements of a policy document data source a Terraform argument refers to. */
function policyStatements(stack: TerraformStacks[string], reference: string): any[] {
  const doc = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(reference ?? '')?.[1];
  return doc ? stack.data?.aws_iam_policy_document?.[doc]?.statement ?? [] : [];
}

const bucketCare = (versioned: boolean, lifecycle: boolean) => `${versioned ? 'versioned' : 'unversioned'}, ${lifecycle ? 'lifecycle' : 'no lifecycle'}`;

/** Enhanced monitoring of a database instance: its interval, when it has a role to report through. */
const monitoring = (interval?: number, role?: unknown) => (interval && role ? `every ${interval} s` : 'off');

interface AuroraFacts {
  readonly engine: string; readonly version: string; readonly port: number; readonly encrypted: boolean; readonly deletionProtection: boolean;
  readonly backupDays: number; readonly iamAuth: boolean; readonly capacity: { MinCapacity?: number; MaxCapacity?: number; min_capacity?: number; max_capacity?: number };
  readonly keptOnRemoval: boolean; readonly tls: boolean;
}

function aurora(f: AuroraFacts): string {
  const min = f.capacity.MinCapacity ?? f.capacity.min_capacity;
  const max = f.capacity.MaxCapacity ?? f.capacity.max_capacity;
  return [`${f.engine} ${f.version} on ${f.port}`, f.encrypted && 'encrypted', f.tls && 'TLS required', f.iamAuth && 'IAM auth',
    `${f.backupDays} days of backups`, f.deletionProtection && 'deletion protection', f.keptOnRemoval && 'final snapshot',
    `${min}-${max} ACUs`].filter(Boolean).join(', ');
}

/** Which security group a rule admits, by the name it is referenced through. */
function loadBalancer(f: { scheme: string; dropInvalidHeaders: boolean; deletionProtection: boolean; accessLogs?: string }): string {
  return [f.scheme, f.dropInvalidHeaders && 'invalid headers dropped', f.deletionProtection && 'deletion protection',
    f.accessLogs !== undefined && `access logs under ${f.accessLogs}/`].filter(Boolean).join(', ');
}

/** A group's health checks: EC2 status only unless it says ELB. */
function healthChecks(type?: string, graceSeconds?: number): string {
  return type === 'ELB' ? `ELB checks after ${graceSeconds} s` : 'EC2 status checks';
}

function valkey(f: { version: string; nodes: number; nodeType: string; multiAz: boolean; atRest: boolean; transit: string; authToken: boolean;
  port: number; snapshots: number; finalSnapshot: boolean }): string {
  return [`valkey ${f.version}, ${f.nodes} x ${f.nodeType} on ${f.port}`, f.multiAz && 'Multi-AZ failover', f.atRest && 'encrypted at rest',
    `TLS ${f.transit}`, f.authToken && 'AUTH token', `${f.snapshots} days of snapshots`, f.finalSnapshot && 'final snapshot'].filter(Boolean).join(', ');
}

function queue(f: { sse: boolean; retentionSeconds: number; visibility?: number; wait?: number; maxReceives?: number | string }): string {
  return [f.sse && 'SSE-SQS', `kept ${f.retentionSeconds / 86400} days`, f.visibility !== undefined && `visibility ${f.visibility} s`,
    f.wait !== undefined && `long polling ${f.wait} s`, f.maxReceives !== undefined && `dead-lettered after ${f.maxReceives} receives`].filter(Boolean).join(', ');
}

/**
 * A load balancer origin's name: a literal name as it is, else what it refers to (the engines
 * write references differently: cross-stack outputs, remote state).
 */
function originName(domainName: unknown): string {
  if (typeof domainName === 'string' && !domainName.includes('${')) return domainName;
  return /LoadBalancer|aws_lb/.test(JSON.stringify(domainName)) ? 'a load balancer\'s DNS name' : 'a reference';
}

function cdn(f: { http: string; ipv6: boolean; priceClass: string; webAcl: boolean; logs?: string; defaultBehavior: string; paths: string[];
  headers: string[]; originProtocols: string[]; customOrigins: number; originGroups: string[]; accessControlled: number;
  loadBalancerOrigins: string[]; aliases: string[]; viewerCertificate?: string }): string {
  return [f.http, f.ipv6 && 'IPv6', f.priceClass, f.webAcl && 'web ACL', f.logs && `logs under ${f.logs}`, `default ${f.defaultBehavior}`,
    ...f.paths, `${f.customOrigins} load balancer origin(s), ${[...new Set(f.originProtocols)].join(' ')}, every one with ${[...new Set(f.headers)].join(' ')}`,
    `origins ${[...new Set(f.loadBalancerOrigins)].sort().join(' and ')}`,
    ...f.originGroups.map((codes) => `origin group failing over on ${codes}`), `${f.accessControlled} origin(s) through OAC`,
    f.aliases.length ? `aliases ${[...f.aliases].sort().join(' ')}` : 'no aliases',
    f.viewerCertificate ? `viewer certificate ${f.viewerCertificate}` : 'the *.cloudfront.net certificate']
    .filter(Boolean).join(', ');
}

function sourceName(reference: string): string {
  return /AppSecurityGroup/.test(reference) ? 'app' : /WorkerSecurityGroup/.test(reference) ? 'workers' : 'other';
}

export function terraformParity(stacks: TerraformStacks): ParitySummary {
  const of = (type: string) => Object.values(stacks).flatMap((s) => Object.values<any>(s.resource?.[type] ?? {}));
  const instances = of('aws_instance');
  const templates = Object.values(stacks).flatMap((s) => Object.entries<any>(s.resource?.aws_launch_template ?? {}).map(([name, value]) => ({ name, value })));
  const ssm = Object.fromEntries(Object.values(stacks).flatMap((s) => Object.entries<any>(s.data?.aws_ssm_parameter ?? {})));
  // An AMI from the parameter data source is re-read on every plan unless the resource ignores it.
  const image = (imageId: string, ignored: boolean) => {
    const name = /^\$\{data\.aws_ssm_parameter\.([^.]+)\./.exec(imageId)?.[1];
    if (!name) return JSON.stringify(imageId);
    return `${ssm[name].name} ${ignored ? 'when created or changed' : 'on every deploy'}`;
  };
  const ingress = of('aws_vpc_security_group_ingress_rule').filter((r) => r.cidr_ipv4 === '0.0.0.0/0').map((r) => `${r.from_port}`);
  const volumes = of('aws_ebs_volume');
  const dlm = of('aws_dlm_lifecycle_policy').flatMap((p) => p.policy_details.schedule);
  return {
    'Stacks': list(Object.keys(stacks)),
    'VPC subnets': list(of('aws_subnet').map((s) => s.cidr_block)),
    'Flow logs': list(of('aws_flow_log').map((f) => f.traffic_type)),
    'S3 gateway endpoint': String(of('aws_vpc_endpoint').filter((e) => String(e.service_name).endsWith('.s3') && e.vpc_endpoint_type === 'Gateway').length),
    'Ports open to the internet': list(new Set(ingress)),
    'Compute': list([
      ...instances.map((i) => `instance ${i.instance_type}${i.monitoring ? ', detailed monitoring' : ''}${i.associate_public_ip_address ? ', public IP at launch' : ''}`),
      ...of('aws_autoscaling_group').map((g) => {
        const template = templates.find((t) => g.launch_template.id.includes(`.${t.name}.`))!.value;
        return `group ${g.min_size}-${g.max_size} ${template.instance_type}${template.monitoring?.enabled ? ', detailed monitoring' : ''}, ${healthChecks(g.health_check_type, g.health_check_grace_period)}`;
      }),
    ]),
    'Instance images': list(new Set([
      ...instances.map((i) => image(i.ami, (i.lifecycle?.ignore_changes ?? []).includes('ami'))),
      ...templates.map((t) => image(t.value.image_id, (t.value.lifecycle?.ignore_changes ?? []).includes('image_id'))),
    ])),
    'IMDSv2 required': String(instances.length + templates.length > 0
      && [...instances, ...templates.map((t) => t.value)].every((i) => i.metadata_options?.http_tokens === 'required')),
    'Root volumes': list([
      ...instances.map((i) => i.root_block_device),
      ...templates.flatMap((t) => (t.value.block_device_mappings ?? []).map((b: any) => ({ ...b.ebs, encrypted: b.ebs.encrypted === 'true' }))),
    ].map((d) => `${d.volume_type} ${d.volume_size} GiB${d.encrypted ? ' encrypted' : ''}`)),
    'NAT gateways': String(of('aws_nat_gateway').length),
    'Load balancers': list(of('aws_lb').map((lb) => loadBalancer({
      scheme: lb.internal ? 'internal' : 'internet-facing', dropInvalidHeaders: lb.drop_invalid_header_fields === true,
      deletionProtection: lb.enable_deletion_protection === true, accessLogs: lb.access_logs?.enabled ? lb.access_logs.prefix : undefined,
    }))),
    'Listeners': list(of('aws_lb_listener').map((l) => `${l.protocol} ${l.port} ${l.default_action[0].type}`)),
    'Target health check': list(of('aws_lb_target_group').map((t) => {
      const h = t.health_check;
      return `${h.path} every ${h.interval} s, healthy ${h.healthy_threshold}, unhealthy ${h.unhealthy_threshold}, ${h.matcher}`;
    })),
    'Scaling policies': list(of('aws_autoscaling_policy').filter((p) => p.target_tracking_configuration?.predefined_metric_specification)
      .map((p) => `${p.target_tracking_configuration.predefined_metric_specification.predefined_metric_type} ${p.target_tracking_configuration.target_value}`)),
    'App admits the load balancer on': list(of('aws_vpc_security_group_ingress_rule')
      .filter((r) => /LoadBalancerSecurityGroup/.test(JSON.stringify(r.referenced_security_group_id))).map((r) => r.from_port)),
    'Data volumes': list(volumes.map((v) => `${v.type} ${v.size} GiB${v.encrypted ? ' encrypted' : ''}`)),
    'Data volume kept on removal': list(volumes.map((v) => (v.lifecycle?.prevent_destroy && v.final_snapshot ? 'yes' : 'no'))),
    'Daily snapshots': list(dlm.map((s: any) => `${s.create_rule.times[0]} UTC, keep ${s.retain_rule.count}`)),
    'Elastic IPs': String(of('aws_eip').length),
    'Alarm topic encrypted': list(of('aws_sns_topic').map((t) => String(Boolean(t.kms_master_key_id)))),
    'Alarm topic key admits': list(new Set(Object.values(stacks).flatMap((st) => Object.values<any>(st.resource?.aws_sns_topic ?? {})
      .map((t) => /^\$\{aws_kms_key\.([^.]+)\.arn\}$/.exec(t.kms_master_key_id ?? '')?.[1]).filter((key): key is string => Boolean(key))
      .map((key) => {
        const doc = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(st.resource!.aws_kms_key[key].policy)![1];
        return st.data!.aws_iam_policy_document[doc].statement.map((s: any) => s.sid).filter((sid?: string) => sid?.startsWith('Allow')).sort().join(' ');
      })))),
    'Auto Scaling notifications': list([
      ...of('aws_autoscaling_notification').map((n) => [...n.notifications].sort().join(' ')),
      ...Array(Math.max(0, of('aws_autoscaling_group').length - of('aws_autoscaling_notification').length)).fill('none'),
    ]),
    'Move-up alarms': list(of('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name).filter((n) => n.includes('-move-to-'))),
    'Serving alarms (Route 53 reads them)': list(of('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name).filter((n) => n.endsWith('-serving'))),
    'Alarm metrics': list(of('aws_cloudwatch_metric_alarm').filter((a) => !a.alarm_name.includes('-move-to-') && !a.alarm_name.endsWith('-serving'))
      .map((a) => (a.metric_query ? a.metric_query.find((q: any) => q.expression).expression : `${a.namespace}/${a.metric_name}`))),
    'Log retention (days)': list(new Set(of('aws_cloudwatch_log_group').map((l) => l.retention_in_days))),
    'Log groups kept on removal': list(new Set(of('aws_cloudwatch_log_group').map((l) => (l.skip_destroy ? 'yes' : 'no')))),
    'Log groups encrypted with': list(new Set(of('aws_cloudwatch_log_group').map((l) => (l.kms_key_id ? 'a KMS key of the stack' : 'the CloudWatch Logs key')))),
    'KMS keys refuse grants except for AWS services': list(new Set(Object.values(stacks).flatMap((st) => Object.values<any>(st.resource?.aws_kms_key ?? {})
      .map((k) => String(policyStatements(st, k.policy).some((statement: any) => statement.sid === DENY_GRANTS_SID)))))),
    'Public subnets assign public IPs': String(of('aws_subnet').filter((sn) => sn.map_public_ip_on_launch === true).length),
    'Buckets versioned, with a lifecycle': list(new Set(Object.values(stacks).flatMap((st) => Object.entries<any>(st.resource?.aws_s3_bucket ?? {})
      // Terraform's own bucket of app packages (CloudFormation uses CDK's asset bucket).
      .filter(([, b]) => !String(b.bucket_prefix ?? '').startsWith('growth-stages-app-'))
      .map(([name]) => {
        const on = (type: string) => Object.values<any>(st.resource?.[type] ?? {}).filter((r) => r.bucket === `\${aws_s3_bucket.${name}.id}`);
        return bucketCare(on('aws_s3_bucket_versioning').some((v) => v.versioning_configuration.status === 'Enabled'),
          on('aws_s3_bucket_lifecycle_configuration').some((l) => l.rule.some((r: any) => r.status === 'Enabled')));
      })))),
    'Aurora enhanced monitoring': list(new Set(of('aws_rds_cluster_instance').map((i) => monitoring(i.monitoring_interval, i.monitoring_role_arn)))),
    'Aurora clusters': list(of('aws_rds_cluster').map((c) => aurora({
      engine: c.engine, version: c.engine_version, port: c.port, encrypted: c.storage_encrypted, deletionProtection: c.deletion_protection,
      backupDays: c.backup_retention_period, iamAuth: c.iam_database_authentication_enabled, capacity: c.serverlessv2_scaling_configuration,
      keptOnRemoval: c.skip_final_snapshot === false && c.lifecycle?.prevent_destroy === true,
      tls: of('aws_rds_cluster_parameter_group').some((g) => g.parameter.some((p: any) => p.name === 'rds.force_ssl' && p.value === '1')),
    }))),
    'Aurora instances': String(of('aws_rds_cluster_instance').length),
    'Database admits': list(new Set(of('aws_vpc_security_group_ingress_rule').filter((r) => r.from_port === 5433)
      .map((r) => `${sourceName(JSON.stringify(r.referenced_security_group_id))} on ${r.from_port}`))),
    'Secrets': String(of('aws_secretsmanager_secret').length),
    'Valkey': list(of('aws_elasticache_replication_group').map((g) => valkey({
      version: g.engine_version, nodes: g.num_cache_clusters, nodeType: g.node_type, multiAz: g.multi_az_enabled && g.automatic_failover_enabled,
      atRest: g.at_rest_encryption_enabled === 'true', transit: g.transit_encryption_mode, authToken: Boolean(g.auth_token), port: g.port,
      snapshots: g.snapshot_retention_limit, finalSnapshot: Boolean(g.final_snapshot_identifier),
    }))),
    'Queues': list(of('aws_sqs_queue').map((q) => queue({
      sse: q.sqs_managed_sse_enabled, retentionSeconds: q.message_retention_seconds, visibility: q.visibility_timeout_seconds,
      wait: q.receive_wait_time_seconds, maxReceives: /maxReceiveCount" = (\d+)/.exec(q.redrive_policy ?? '')?.[1],
    }))),
    'Queues refuse plain HTTP': String(of('aws_sqs_queue_policy').filter((p) => {
      const doc = Object.values(stacks).flatMap((s) => Object.entries<any>(s.data?.aws_iam_policy_document ?? {})).find(([name]) => p.policy.includes(`.${name}.`));
      return JSON.stringify(doc).includes('aws:SecureTransport');
    }).length),
    'CloudFront': list(of('aws_cloudfront_distribution').map((c) => cdn({
      http: c.http_version, ipv6: c.is_ipv6_enabled, priceClass: c.price_class, webAcl: Boolean(c.web_acl_id), logs: c.logging_config?.prefix,
      defaultBehavior: `${c.default_cache_behavior.viewer_protocol_policy} ${c.default_cache_behavior.allowed_methods.length} methods cache ${c.default_cache_behavior.cache_policy_id}`,
      paths: (c.ordered_cache_behavior ?? []).map((b: any) => `${b.path_pattern} cache ${b.cache_policy_id}`),
      headers: c.origin.flatMap((o: any) => (o.custom_header ?? []).map((h: any) => h.name)),
      originProtocols: c.origin.filter((o: any) => o.custom_origin_config).map((o: any) => o.custom_origin_config.origin_protocol_policy),
      customOrigins: new Set(c.origin.filter((o: any) => o.custom_origin_config).map((o: any) => o.domain_name)).size,
      originGroups: (c.origin_group ?? []).map((g: any) => [...g.failover_criteria.status_codes].sort().join('/')),
      accessControlled: c.origin.filter((o: any) => o.origin_access_control_id).length,
      loadBalancerOrigins: c.origin.filter((o: any) => o.custom_origin_config)
        .map((o: any) => `${originName(o.domain_name)} ${o.custom_origin_config.origin_protocol_policy}`),
      aliases: c.aliases ?? [],
      viewerCertificate: c.viewer_certificate?.acm_certificate_arn
        ? [c.viewer_certificate.acm_certificate_arn, c.viewer_certificate.ssl_support_method, c.viewer_certificate.minimum_protocol_version].join(' ')
        : undefined,
    }))),
    'Web ACL rules': list(of('aws_wafv2_web_acl').flatMap((w) => JSON.parse(w.rule_json).map((r: any) => `${w.scope}: ${r.Name}`))),
    'Load balancer admits CloudFront on': list(of('aws_vpc_security_group_ingress_rule').filter((r) => r.prefix_list_id).map((r) => ports(r.from_port, r.to_port))),
    'Load balancer forwards only with header': list(of('aws_lb_listener_rule')
      .flatMap((r) => r.condition.filter((c: any) => c.http_header).map((c: any) => c.http_header.http_header_name))),
    'Global database': list(of('aws_rds_global_cluster').map((g) => [g.global_cluster_identifier,
      g.source_db_cluster_identifier && 'from the existing cluster', g.deletion_protection && 'deletion protection'].filter(Boolean).join(', '))),
    'Secondary clusters': list(of('aws_rds_cluster').filter((c) => c.global_cluster_identifier)
      .map((c) => `${c.cluster_identifier} in ${c.global_cluster_identifier}${c.enable_global_write_forwarding ? ', write forwarding' : ''}${c.master_username ? ', own users' : ''}`)),
    'Route 53 health checks': list(of('aws_route53_health_check').map((h) => `${h.type} ${h.cloudwatch_alarm_name} (${h.insufficient_data_health_status} without data)`)),
    'Route 53 records': list(of('aws_route53_record').map((r) => `${r.name} ${r.type}${r.failover_routing_policy ? ` ${r.failover_routing_policy.type}` : ''}${r.alias?.evaluate_target_health ? ' evaluating target health' : ''}`)),
  };
}

/** The README's table: one row per component, with the value both engines produce. */
export function renderParityTable(summary: ParitySummary): string {
  return ['| component or property | CloudFormation and Terraform |', '|---|---|',
    ...Object.entries(summary).map(([k, v]) => `| ${k} | ${v} |`)].join('\n') + '\n';
}

/**
 * What the summary leaves out, compared the same way: the network plumbing, permissions, every
 * alarm's settings, the boot settings and script of every instance and launch template, and what
 * each dashboard shows. One entry per thing, sorted, so a test diff names what differs.
 */
export type ParityDetails = Record<string, string[]>;

/** A reference, wherever it points: the engines name resources differently. */
const REF = '<ref>';
const count = (n: number) => [String(n)];
const sorted = (values: Iterable<string>) => [...values].sort();
const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);
const COMPARISON: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '>=', GreaterThanThreshold: '>', LessThanThreshold: '<', LessThanOrEqualToThreshold: '<=',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside', LessThanLowerThreshold: '< lower', GreaterThanUpperThreshold: '> upper',
};

interface AlarmFacts {
  readonly stack: string; readonly metric: string; readonly statistic?: string; readonly period?: number; readonly evaluationPeriods: number;
  readonly datapoints?: number; readonly comparison: string; readonly threshold: number; readonly missing?: string;
  readonly dimensions: Record<string, unknown>; readonly alarmActions: unknown[]; readonly okActions: unknown[]; readonly name?: string;
}

/** The metric an alarm watches, in a few words: `AWS/RDS CPUUtilization >= 80`. */
function alarmLabel(a: Pick<AlarmFacts, 'metric' | 'comparison' | 'threshold'>): string {
  return `${a.metric} ${COMPARISON[a.comparison] ?? a.comparison} ${a.threshold}`;
}

function alarmRow(a: AlarmFacts): string {
  const dimensions = Object.entries(a.dimensions).map(([k, v]) => `${k}=${typeof v === 'string' && !v.includes('${') ? v : REF}`).sort().join(' ');
  const actions = (values: unknown[]) => values.map((v) => (typeof v === 'string' && !v.includes('${') ? v : 'topic')).sort().join(' ') || 'none';
  return [`${a.stack}: ${alarmLabel(a)}`, a.name && `named ${a.name}`, dimensions && `on ${dimensions}`, a.statistic, a.period !== undefined && `period ${a.period} s`,
    `${a.datapoints ?? a.evaluationPeriods} of ${a.evaluationPeriods} periods`, `missing data ${a.missing ?? 'missing'}`,
    `alarm actions ${actions(a.alarmActions)}`, `OK actions ${actions(a.okActions)}`].filter(Boolean).join(', ');
}

/** `export KEY='value'` lines and the rest of a boot script, references replaced by one marker. */
function bootRows(where: string, script: string): { settings: string; script: string } {
  const lines = script.split('\n');
  const exports = lines.filter((l) => /^export [A-Z0-9_]+=/.test(l))
    // CloudFormation only: the box signals its stack's CreationPolicy; Terraform has no such wait.
    .filter((l) => !l.startsWith('export CFN_SIGNAL_'))
    .map((l) => l.replace(/^export ([A-Z0-9_]+)='(.*)'$/, (_, key: string, value: string) => `${key}=${value.includes(REF) ? REF : value}`));
  const rest = lines.filter((l) => !/^export [A-Z0-9_]+=/.test(l));
  return { settings: `${where}: ${exports.join(' ')}`, script: `${where}: ${rest.length} lines, sha256 ${hash(rest.join('\n'))}` };
}

/** A CloudFormation string that may be built with Fn::Join, references replaced by the marker. */
function cfnText(value: any): string {
  // CloudFormation only: CDK's trap that signals the group's CreationPolicy when the script exits.
  if (typeof value === 'string') return value.replace(/function exitTrap\(\)\{\n[\s\S]*?\ntrap exitTrap EXIT\n/, '');
  if (value?.['Fn::Base64'] !== undefined) return cfnText(value['Fn::Base64']);
  if (value?.['Fn::Join']) return cfnText(value['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : REF)).join(value['Fn::Join'][0]));
  return REF;
}

/** A Terraform string with its interpolations replaced by the marker (`$${` is a literal `${`). */
function tfText(value: string): string {
  return value.replace(/(^|[^$])\$\{[^}]*\}/g, `$1${REF}`).replace(/\$\$\{/g, '${');
}

/** What a dashboard shows: the alarms in status widgets, and the alarms and metrics graphed. */
function dashboardRows(where: string, widgets: any[], alarm: (token: string) => string): string[] {
  const status = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms.map(alarm));
  const graphed = widgets.filter((w) => w.type === 'metric').flatMap((w) => (w.properties.annotations?.alarms ?? []).map(alarm));
  const metrics = widgets.filter((w) => w.type === 'metric').flatMap((w) => (w.properties.metrics ?? []).map((m: unknown[]) => m.filter((x) => typeof x === 'string').slice(0, 2).join(' ')));
  return [`${where}: alarm status of ${sorted(status).join('; ') || 'none'}`, `${where}: graphs of ${sorted(graphed).join('; ') || 'none'}`,
    `${where}: metric graphs ${sorted(metrics).join('; ') || 'none'}`, `${where}: ${widgets.filter((w) => !['alarm', 'metric'].includes(w.type)).length} other widgets`];
}

/** `80`, or `80-443` for a range. */
const ports = (from: unknown, to: unknown) => (from === to ? String(from) : `${from}-${to}`);

const egressDenyAll = (rule: any) => rule.CidrIp === '255.255.255.255/32' && rule.Description === 'Disallow all traffic';

function ruleRow(direction: string, protocol: string, from: unknown, to: unknown, peer: string): string {
  const ports = protocol === '-1' ? 'all traffic' : `${protocol} ${from}-${to}`;
  return `${direction} ${ports} ${direction === 'ingress' ? 'from' : 'to'} ${peer}`;
}

const policyName = (arn: unknown) => /policy\/(?:service-role\/)?([\w-]+)/.exec(JSON.stringify(arn))?.[1] ?? REF;
// CloudFormation only: the instance signals its stack's CreationPolicy (the box finds its logical
// ID in its tags to do so).
const CLOUDFORMATION_SIGNAL_ACTIONS = ['cloudformation:SignalResource', 'ec2:DescribeTags'];
const actionsOf = (statements: any[]) => sorted(new Set(statements.flatMap((s) => [].concat(s.Action ?? s.actions ?? []))
  .filter((action) => !CLOUDFORMATION_SIGNAL_ACTIONS.includes(action))));

export function cloudFormationDetails(templates: StageTemplates): ParityDetails {
  const entries = Object.entries<any>(templates).flatMap(([stack, t]) => Object.entries<any>(t.Resources ?? {}).map(([id, r]) => ({ stack, id, r, t })));
  const of = (type: string) => entries.filter((e) => e.r.Type === type);
  const n = (type: string) => of(type).length;
  /** The resource a token names: in the template, or behind another stack's output. */
  const target = (token: any, t: any): { r: any } | undefined => {
    if (token?.['Fn::GetAtt']) return { r: t.Resources[token['Fn::GetAtt'][0]] };
    if (token?.Ref) return t.Resources[token.Ref] ? { r: t.Resources[token.Ref] } : undefined;
    const out = token?.['Fn::GetStackOutput'];
    if (out) {
      const other = templates[out.StackName];
      return target(other?.Outputs?.[out.OutputName]?.Value, other);
    }
    return undefined;
  };
  const alarmFacts = ({ stack, r }: { stack: string; r: any }): AlarmFacts => {
    const p = r.Properties;
    const math = p.Metrics?.find((m: any) => m.Expression);
    const metric = math
      ? `${math.Expression} of ${p.Metrics.filter((m: any) => m.MetricStat).map((m: any) => `${m.Id}=${m.MetricStat.Metric.Namespace} ${m.MetricStat.Metric.MetricName} ${m.MetricStat.Stat} ${m.MetricStat.Period} s`).sort().join(' ')}`
      : `${p.Namespace} ${p.MetricName}`;
    return {
      stack, metric, statistic: p.Statistic ?? p.ExtendedStatistic, period: p.Period, evaluationPeriods: p.EvaluationPeriods, datapoints: p.DatapointsToAlarm,
      comparison: p.ComparisonOperator, threshold: p.Threshold, missing: p.TreatMissingData, name: p.AlarmName,
      dimensions: Object.fromEntries((p.Dimensions ?? []).map((d: any) => [d.Name, d.Value])), alarmActions: p.AlarmActions ?? [], okActions: p.OKActions ?? [],
    };
  };
  const boot = [...of('AWS::EC2::Instance').map((e) => ({ e, kind: 'instance', data: e.r.Properties.UserData })),
    ...of('AWS::EC2::LaunchTemplate').map((e) => ({ e, kind: 'launch template', data: e.r.Properties.LaunchTemplateData.UserData }))]
    .filter((b) => b.data !== undefined).map((b) => bootRows(`${b.e.stack} ${b.kind}`, cfnText(b.data)));
  // The roles of the stage's own resources, not of CDK's deploy-time functions.
  const roles = of('AWS::IAM::Role').filter((e) => !JSON.stringify(e.r.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'));
  const ingress = [...of('AWS::EC2::SecurityGroup').flatMap((e) => e.r.Properties.SecurityGroupIngress ?? []), ...of('AWS::EC2::SecurityGroupIngress').map((e) => e.r.Properties)]
    .map((r) => ruleRow('ingress', String(r.IpProtocol), r.FromPort, r.ToPort, r.CidrIp ?? (r.SourcePrefixListId ? 'a prefix list' : 'a security group')));
  const egress = [...of('AWS::EC2::SecurityGroup').flatMap((e) => (e.r.Properties.SecurityGroupEgress ?? []).filter((r: any) => !egressDenyAll(r))),
    ...of('AWS::EC2::SecurityGroupEgress').map((e) => e.r.Properties)]
    .map((r) => ruleRow('egress', String(r.IpProtocol), r.FromPort, r.ToPort, r.CidrIp ?? (r.DestinationPrefixListId ? 'a prefix list' : 'a security group')));
  return {
    'VPCs': sorted(of('AWS::EC2::VPC').map(({ r: { Properties: p } }) => `${p.CidrBlock}, DNS hostnames ${p.EnableDnsHostnames === true}, DNS support ${p.EnableDnsSupport === true}`)),
    'Internet gateways': sorted(of('AWS::EC2::InternetGateway').map(({ id, stack }) =>
      (of('AWS::EC2::VPCGatewayAttachment').some((a) => a.stack === stack && a.r.Properties.InternetGatewayId?.Ref === id) ? 'attached' : 'detached'))),
    'Route tables': count(n('AWS::EC2::RouteTable')),
    'Routes': sorted(of('AWS::EC2::Route').map(({ r: { Properties: p } }) => `${p.DestinationCidrBlock} via ${p.NatGatewayId ? 'a NAT gateway' : p.GatewayId ? 'the internet gateway' : 'other'}`)),
    'Route table associations': count(n('AWS::EC2::SubnetRouteTableAssociation')),
    'Elastic IP associations': count(n('AWS::EC2::EIPAssociation')),
    'Security group rules': sorted([...ingress, ...egress]),
    'Default security group rules': of('AWS::EC2::VPC').map(({ stack }) => (of('Custom::VpcRestrictDefaultSG').some((e) => e.stack === stack) ? 'none' : 'AWS defaults')),
    'Roles': sorted(roles.map(({ id, stack, r }) => {
      const services = sorted(new Set(findService(r.Properties.AssumeRolePolicyDocument)));
      const inline = of('AWS::IAM::Policy').filter((e) => e.stack === stack && e.r.Properties.Roles.some((x: any) => x.Ref === id))
        .flatMap((e) => e.r.Properties.PolicyDocument.Statement);
      return `${services.join(' ')}: managed ${sorted((r.Properties.ManagedPolicyArns ?? []).map(policyName)).join(' ') || 'none'}; ${actionsOf(inline).join(' ')}`;
    })),
    'Instance profiles': count(n('AWS::IAM::InstanceProfile')),
    'Topic policies': count(n('AWS::SNS::TopicPolicy')),
    'DB subnet groups': count(n('AWS::RDS::DBSubnetGroup')),
    'Cache subnet groups': count(n('AWS::ElastiCache::SubnetGroup')),
    'Buckets': count(n('AWS::S3::Bucket')),
    'Bucket policies': count(n('AWS::S3::BucketPolicy')),
    'Static assets uploaded': [String(n('Custom::CDKBucketDeployment') > 0)],
    'Alarms': sorted(of('AWS::CloudWatch::Alarm').map((e) => alarmRow(alarmFacts(e)))),
    'Boot settings': sorted(boot.map((b) => b.settings)),
    'Boot script': sorted(boot.map((b) => b.script)),
    'Dashboards': of('AWS::CloudWatch::Dashboard').flatMap(({ stack, r, t }) => {
      const tokens: unknown[] = [];
      const body = r.Properties.DashboardBody;
      const text = typeof body === 'string' ? body
        : body['Fn::Join'][1].map((part: unknown) => (typeof part === 'string' ? part : `@@${tokens.push(part) - 1}@@`)).join('');
      const alarm = (value: string) => {
        const token = /^@@(\d+)@@$/.exec(value);
        const resource = token && target(tokens[Number(token[1])], t);
        return resource?.r?.Type === 'AWS::CloudWatch::Alarm' ? alarmLabel(alarmFacts({ stack, r: resource.r })) : REF;
      };
      return dashboardRows(`${stack} ${cfnText(r.Properties.DashboardName)}`, JSON.parse(text).widgets, alarm);
    }).sort(),
  };
}

function findService(document: any): string[] {
  return (document?.Statement ?? document?.statement ?? []).flatMap((s: any) => [].concat(s.Principal?.Service ?? s.principals?.flatMap((p: any) => p.identifiers) ?? []));
}

export function terraformDetails(stacks: TerraformStacks): ParityDetails {
  const entries = Object.entries(stacks).flatMap(([stack, json]) => Object.entries<Record<string, any>>(json.resource ?? {})
    .flatMap(([type, byName]) => Object.entries<any>(byName).map(([name, r]) => ({ stack, type, name, r }))));
  const of = (type: string) => entries.filter((e) => e.type === type);
  const n = (type: string) => of(type).length;
  const documents = (stack: string) => (stacks[stack].data?.aws_iam_policy_document ?? {}) as Record<string, any>;
  /** A policy as statements: inline JSON or a policy document data source. */
  const statements = (stack: string, policy: string): any[] => {
    const doc = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policy);
    if (doc) return documents(stack)[doc[1]].statement ?? [];
    return JSON.parse(policy).Statement;
  };
  /** The resource an interpolation names: in the stack, or behind another stack's output through remote state. */
  const target = (stack: string, expression: string): { stack: string; type: string; r: any } | undefined => {
    const local = /^\$\{([a-z0-9_]+)\.([^.]+)\.[a-z_]+\}$/.exec(expression);
    if (local) {
      const r = (stacks[stack].resource as any)?.[local[1]]?.[local[2]];
      return r ? { stack, type: local[1], r } : undefined;
    }
    const remote = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([^.]+)\.outputs\.([^}]+)\}$/.exec(expression);
    const output = remote && (stacks[remote[1]] as any)?.output?.[remote[2]];
    return output ? target(remote![1], output.value) : undefined;
  };
  const alarmFacts = ({ stack, r }: { stack: string; r: any }): AlarmFacts => {
    const math = r.metric_query?.find((q: any) => q.expression);
    const metric = math
      ? `${math.expression} of ${r.metric_query.filter((q: any) => q.metric).map((q: any) => `${q.id}=${q.metric.namespace} ${q.metric.metric_name} ${q.metric.stat} ${q.metric.period} s`).sort().join(' ')}`
      : `${r.namespace} ${r.metric_name}`;
    return {
      stack, metric, statistic: r.statistic ?? r.extended_statistic, period: r.period, evaluationPeriods: r.evaluation_periods, datapoints: r.datapoints_to_alarm,
      comparison: r.comparison_operator, threshold: r.threshold, missing: r.treat_missing_data,
      // Terraform names every alarm; CloudFormation only those the stage names, which the serving and move-up rows compare.
      name: /-move-to-|-serving$/.test(r.alarm_name) ? r.alarm_name : undefined,
      dimensions: r.dimensions ?? {}, alarmActions: r.alarm_actions ?? [], okActions: r.ok_actions ?? [],
    };
  };
  const boot = [...of('aws_instance').map((e) => ({ e, kind: 'instance', data: e.r.user_data })),
    ...of('aws_launch_template').map((e) => ({ e, kind: 'launch template', data: e.r.user_data }))]
    .filter((b) => b.data !== undefined).map((b) => {
      const local = /^\$\{base64encode\(local\.([^)]+)\)\}$/.exec(String(b.data));
      return bootRows(`${b.e.stack} ${b.kind}`, tfText(String(local ? (stacks[b.e.stack] as any).locals[local[1]] : b.data)));
    });
  // The app package rides in the CDK bootstrap bucket on CloudFormation; Terraform brings its own bucket.
  const appPackageBuckets = new Set(of('aws_s3_bucket').filter((e) => String(e.r.bucket_prefix ?? '').startsWith('growth-stages-app-')).map((e) => `${e.stack}/${e.name}`));
  const onAppPackage = (e: { stack: string; r: any }) => {
    const bucket = target(e.stack, e.r.bucket);
    return bucket !== undefined && bucket.type === 'aws_s3_bucket' && [...appPackageBuckets].some((b) => of('aws_s3_bucket').some((x) => `${x.stack}/${x.name}` === b && x.r === bucket.r));
  };
  const peer = (r: any) => r.cidr_ipv4 ?? (r.prefix_list_id ? 'a prefix list' : 'a security group');
  return {
    'VPCs': sorted(of('aws_vpc').map(({ r }) => `${r.cidr_block}, DNS hostnames ${r.enable_dns_hostnames === true}, DNS support ${r.enable_dns_support === true}`)),
    'Internet gateways': sorted(of('aws_internet_gateway').map(({ r }) => (r.vpc_id ? 'attached' : 'detached'))),
    'Route tables': count(n('aws_route_table')),
    'Routes': sorted(of('aws_route').map(({ r }) => `${r.destination_cidr_block} via ${r.nat_gateway_id ? 'a NAT gateway' : r.gateway_id ? 'the internet gateway' : 'other'}`)),
    'Route table associations': count(n('aws_route_table_association')),
    'Elastic IP associations': count(n('aws_eip_association')),
    'Security group rules': sorted([
      ...of('aws_vpc_security_group_ingress_rule').map(({ r }) => ruleRow('ingress', String(r.ip_protocol), r.from_port, r.to_port, peer(r))),
      ...of('aws_vpc_security_group_egress_rule').map(({ r }) => ruleRow('egress', String(r.ip_protocol), r.from_port, r.to_port, peer(r))),
    ]),
    // A default security group resource without rule blocks removes every rule of the VPC's default group.
    'Default security group rules': of('aws_vpc').map(({ stack }) =>
      (of('aws_default_security_group').some((e) => e.stack === stack && !e.r.ingress?.length && !e.r.egress?.length) ? 'none' : 'AWS defaults')),
    'Roles': sorted(of('aws_iam_role').map(({ stack, name, r }) => {
      const ref = `\${aws_iam_role.${name}.name}`;
      const managed = of('aws_iam_role_policy_attachment').filter((e) => e.stack === stack && e.r.role === ref).map((e) => policyName(e.r.policy_arn));
      const inline = of('aws_iam_role_policy').filter((e) => e.stack === stack && [ref, `\${aws_iam_role.${name}.id}`].includes(e.r.role))
        .flatMap((e) => statements(stack, e.r.policy));
      return `${sorted(new Set(findService({ statement: statements(stack, r.assume_role_policy) }))).join(' ')}: managed ${sorted(managed).join(' ') || 'none'}; ${actionsOf(inline).join(' ')}`;
    })),
    'Instance profiles': count(n('aws_iam_instance_profile')),
    'Topic policies': count(n('aws_sns_topic_policy')),
    'DB subnet groups': count(n('aws_db_subnet_group')),
    'Cache subnet groups': count(n('aws_elasticache_subnet_group')),
    'Buckets': count(n('aws_s3_bucket') - appPackageBuckets.size),
    'Bucket policies': count(of('aws_s3_bucket_policy').filter((e) => !onAppPackage(e)).length),
    'Static assets uploaded': [String(of('aws_s3_object').some((e) => !onAppPackage(e)))],
    'Alarms': sorted(of('aws_cloudwatch_metric_alarm').map((e) => alarmRow(alarmFacts(e)))),
    'Boot settings': sorted(boot.map((b) => b.settings)),
    'Boot script': sorted(boot.map((b) => b.script)),
    'Dashboards': of('aws_cloudwatch_dashboard').flatMap(({ stack, r }) => {
      const alarm = (value: string) => {
        const resource = target(stack, value);
        return resource?.type === 'aws_cloudwatch_metric_alarm' ? alarmLabel(alarmFacts(resource)) : REF;
      };
      return dashboardRows(`${stack} ${r.dashboard_name}`, JSON.parse(r.dashboard_body).widgets, alarm);
    }).sort(),
  };
}

/** Resource types of CloudFormation templates that core/resource-types.ts does not map or ignore. */
export function unmappedCloudFormationTypes(templates: StageTemplates): string[] {
  return unmappedTypes('cloudFormation', Object.values<any>(templates).flatMap((t) => Object.values<any>(t.Resources ?? {}).map((r) => r.Type)));
}

/** Resource types of Terraform stacks that core/resource-types.ts does not map or ignore. */
export function unmappedTerraformTypes(stacks: TerraformStacks): string[] {
  return unmappedTypes('terraform', Object.values(stacks).flatMap((s) => Object.keys(s.resource ?? {})));
}
