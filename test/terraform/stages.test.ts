/**
 * The stages as Terraform JSON (CDK for Terraform): what `growth-stages synth --engine terraform`
 * writes, its security properties, the addresses of what holds data, refusals, and a snapshot
 * per stack from `Testing.synth`.
 */
import * as path from 'path';
import { STAGES } from '../../core/stages';
import { AURORA_POSTGRES_VERSION } from '../../core/settings';
import { STATEFUL_TERRAFORM_TYPES } from '../../core/stateful';
import { TerraformStacks } from '../../tools/parity';
import { terraformInventory } from '../support/inventory';
import { synthTerraformStage } from '../support/terraform';

const TERRAFORM_STAGES = STAGES.map((s) => s.number);

const NETWORK = 'webapp-network';
const DATA = 'webapp-data';
const APP = 'webapp-app';

describe('stage 1 as Terraform', () => {
  let tf: TerraformStacks;
  beforeAll(() => {
    tf = synthTerraformStage(1);
  });
  const resources = (stack: string, type: string) => Object.entries<any>(tf[stack].resource?.[type] ?? {});
  const one = (stack: string, type: string) => {
    const found = resources(stack, type);
    expect(found).toHaveLength(1);
    return found[0][1];
  };

  test('writes the stacks of the CloudFormation stage, each with the AWS provider in the region and local state', () => {
    expect(Object.keys(tf).sort()).toEqual([APP, DATA, NETWORK]);
    for (const [name, stack] of Object.entries<any>(tf)) {
      expect(stack.provider.aws).toEqual([expect.objectContaining({ region: 'us-east-1' })]);
      expect(stack.terraform.backend).toEqual({ local: { path: `../${name}/terraform.${name}.tfstate` } });
    }
  });

  // aws_availability_zones is read at every plan, of the zones "available" now: an impaired zone
  // shifts the list, and every resource placed from it would be replaced (subnets with what is in
  // them, the Aurora instances, the data volume). Each is placed once and keeps its zone.
  test.each(TERRAFORM_STAGES)('stage %i: nothing placed from the live zone list is replaced when the list changes', (stage) => {
    let placed = 0;
    for (const json of Object.values<any>(synthTerraformStage(stage))) {
      for (const [type, byName] of Object.entries<any>(json.resource ?? {})) {
        for (const [name, r] of Object.entries<any>(byName)) {
          if (typeof r.availability_zone !== 'string' || !r.availability_zone.includes('${')) continue;
          placed++;
          expect([`${type}.${name}`, r.lifecycle?.ignore_changes]).toEqual([`${type}.${name}`, expect.arrayContaining(['availability_zone'])]);
        }
      }
    }
    expect(placed).toBeGreaterThanOrEqual(6);
  });

  // Terraform runs each stack in its own folder (stacks/<stack>/) and resolves a local path from
  // there, for the backend and for terraform_remote_state alike: a consumer given the bare file
  // name looked for the producer's state in its own folder, and its first plan failed.
  test.each(TERRAFORM_STAGES)("stage %i: every stack reads each producer's state where the producer writes it", (stage) => {
    const stacks = synthTerraformStage(stage);
    const stateFile = (stack: string) => path.posix.join('stacks', stack, (stacks[stack] as any).terraform.backend.local.path);
    let reads = 0;
    for (const [consumer, json] of Object.entries<any>(stacks)) {
      for (const [id, remote] of Object.entries<any>(json.data?.terraform_remote_state ?? {})) {
        const producer = id.replace(/^cross-stack-reference-input-/, '');
        expect(Object.keys(stacks)).toContain(producer);
        expect(remote.backend).toBe('local');
        expect(path.posix.join('stacks', consumer, remote.config.path)).toBe(stateFile(producer));
        reads++;
      }
    }
    expect(reads).toBeGreaterThan(0);
  });

  test('keeps state in S3 when tfStateBucket is set, encrypted and locked', () => {
    const s3 = synthTerraformStage(1, { tfStateBucket: 'acme-terraform-state' });
    expect((s3[DATA] as any).terraform.backend).toEqual({
      s3: { bucket: 'acme-terraform-state', key: 'growth-stages/webapp-data.tfstate', region: 'us-east-1', encrypt: true, use_lockfile: true },
    });
  });

  test('requires IMDSv2, encrypts the root and data volumes, and keeps the data volume from being destroyed', () => {
    const instance = one(APP, 'aws_instance');
    expect(instance).toMatchObject({
      metadata_options: { http_tokens: 'required' }, monitoring: true, user_data_replace_on_change: true,
      root_block_device: { encrypted: true, volume_type: 'gp3', volume_size: 20 },
    });
    expect(instance.key_name).toBeUndefined();
    expect(one(DATA, 'aws_ebs_volume')).toMatchObject({ encrypted: true, type: 'gp3', size: 20, final_snapshot: true, lifecycle: { prevent_destroy: true } });
  });

  test('opens only 80 and 443 to the internet, no SSH, and strips the default security group', () => {
    const rules = resources(NETWORK, 'aws_vpc_security_group_ingress_rule').map(([, r]) => [r.cidr_ipv4, r.from_port, r.to_port]);
    expect(rules.sort()).toEqual([['0.0.0.0/0', 443, 443], ['0.0.0.0/0', 80, 80]]);
    const defaultGroup = one(NETWORK, 'aws_default_security_group');
    expect(defaultGroup.ingress).toBeUndefined();
    expect(defaultGroup.egress).toBeUndefined();
  });

  test('logs all VPC traffic and keeps the app package in a private, encrypted, TLS-only bucket', () => {
    expect(one(NETWORK, 'aws_flow_log')).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    expect(one(APP, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
    expect(one(APP, 'aws_s3_bucket_server_side_encryption_configuration').rule).toEqual([{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }]);
    const tlsOnly = Object.values<any>(tf[APP].data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes('aws:SecureTransport'));
    expect(tlsOnly.statement[0]).toMatchObject({ effect: 'Deny', condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
  });

  test('passes the boot script to the instance with its shell expansions escaped from Terraform', () => {
    const userData: string = one(APP, 'aws_instance').user_data;
    const interpolations = userData.match(/(?<!\$)\$\{[^}]*\}/g) ?? [];
    // Only the settings refer to Terraform values; everything else is the shell's own.
    expect(interpolations.every((i) => /^\$\{(aws_|data\.terraform_remote_state)/.test(i))).toBe(true);
    expect(userData).toContain("export DB_MODE='local'");
    expect(userData).toContain('$${CACHE_ENDPOINT:-}');
    expect(userData).not.toMatch(/(?<!%)%\{/);
  });

  test('gives what holds data the addresses the later stages keep', () => {
    // A public contract, as logical IDs are for CloudFormation: a new address would destroy the
    // old resource and create an empty one.
    expect(resources(DATA, 'aws_ebs_volume').map(([id]) => id)).toEqual(['DataVolume_175940C2']);
    expect(resources(NETWORK, 'aws_vpc').map(([id]) => id)).toEqual(['Network_Vpc_FAC8F4A5']);
    expect(resources(NETWORK, 'aws_subnet').map(([id]) => id).sort()).toEqual([
      'Network_AppSubnet1_D1DBC460', 'Network_AppSubnet2_8955FE43', 'Network_DataSubnet1_61A502D8',
      'Network_DataSubnet2_5609917C', 'Network_PublicSubnet1_3B56D098', 'Network_PublicSubnet2_E7B6D3F8',
    ]);
  });

});

describe('stage 2 as Terraform', () => {
  let tf: TerraformStacks;
  beforeAll(() => {
    tf = synthTerraformStage(2);
  });
  const resources = (stack: string, type: string) => Object.entries<any>(tf[stack].resource?.[type] ?? {});

  test('moves PostgreSQL to Aurora, kept from destruction, with a generated password in Secrets Manager', () => {
    const [[clusterId, cluster]] = resources(DATA, 'aws_rds_cluster');
    // The address later stages keep (a new one would destroy the cluster: prevent_destroy refuses it).
    expect(clusterId).toBe('Database_Cluster_C6094C50');
    expect(cluster).toMatchObject({
      engine: 'aurora-postgresql', engine_version: '16.6', port: 5433, storage_encrypted: true, deletion_protection: true,
      skip_final_snapshot: false, backup_retention_period: 7, iam_database_authentication_enabled: true, lifecycle: { prevent_destroy: true },
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 8 }, database_name: 'app', master_username: 'app_admin',
    });
    expect(cluster.master_password).toMatch(/^\$\{random_password\.Database_Password_[0-9A-F]{8}\.result\}$/);
    const [[, version]] = resources(DATA, 'aws_secretsmanager_secret_version');
    expect(version.secret_string).toContain('"host" = aws_rds_cluster.Database_Cluster_C6094C50.endpoint');
    expect(tf[DATA] as any).toMatchObject({ provider: { random: [{}] } });
  });

  test('admits only the app security group to the database, on its port', () => {
    const rules = resources(DATA, 'aws_vpc_security_group_ingress_rule').map(([, r]) => r);
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ from_port: 5433, to_port: 5433, ip_protocol: 'tcp' });
    expect(rules[0].referenced_security_group_id).toMatch(/AppSecurityGroup/);
    expect(rules[0].cidr_ipv4).toBeUndefined();
  });

  test('points the box at the database secret and lets it read only that secret, keeping the volume attached for the copy', () => {
    const [[, instance]] = resources(APP, 'aws_instance');
    expect(instance.user_data).toContain("export DB_MODE='managed'");
    expect(instance.user_data).toMatch(/export DB_SECRET_ARN='\$\{data\.terraform_remote_state\.cross-stack-reference-input-webapp-data\.outputs\./);
    expect(instance.user_data).toContain('export DATA_VOLUME_ID=');
    const policy = Object.values<any>(tf[APP].data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes('secretsmanager:GetSecretValue'));
    const statement = policy.statement.find((s: any) => s.actions.includes('secretsmanager:GetSecretValue'));
    expect(statement.resources).toHaveLength(1);
  });
});

// An inventory per stack, as the CloudFormation side's (the boot script is snapshotted there, once).
test.each(TERRAFORM_STAGES)('stage %i matches the inventory of every stack', (stage) => {
  const stacks = synthTerraformStage(stage);
  for (const [name, stack] of Object.entries(stacks).sort()) expect(terraformInventory(stack as any)).toMatchSnapshot(name);
});


describe('stage 3 as Terraform', () => {
  let tf: TerraformStacks;
  beforeAll(() => {
    tf = synthTerraformStage(3);
  });
  const resources = (stack: string, type: string) => Object.entries<any>(tf[stack].resource?.[type] ?? {}).map(([, r]) => r);

  test('admits the internet to the load balancer only, and the load balancer only to the app', () => {
    const ingress = resources(NETWORK, 'aws_vpc_security_group_ingress_rule');
    const open = ingress.filter((r) => r.cidr_ipv4 === '0.0.0.0/0');
    expect(open.map((r) => [r.from_port, JSON.stringify(r.security_group_id)])).toEqual([[80, expect.stringMatching(/LoadBalancerSecurityGroup/)]]);
    const toApp = ingress.filter((r) => /AppSecurityGroup/.test(JSON.stringify(r.security_group_id)));
    expect(toApp).toEqual([expect.objectContaining({ from_port: 80, to_port: 80, referenced_security_group_id: expect.stringMatching(/LoadBalancerSecurityGroup/) })]);
  });

  test('rolls new instances in at full capacity, checked by the load balancer', () => {
    const [group] = resources(APP, 'aws_autoscaling_group');
    expect(group).toMatchObject({
      min_size: 2, max_size: 6, health_check_type: 'ELB', health_check_grace_period: 600, wait_for_elb_capacity: 2,
      instance_refresh: { strategy: 'Rolling', preferences: { min_healthy_percentage: 100, auto_rollback: true } },
    });
    expect(group.vpc_zone_identifier).toHaveLength(2);
    const [template] = resources(APP, 'aws_launch_template');
    expect(template).toMatchObject({ metadata_options: { http_tokens: 'required' }, monitoring: { enabled: true } });
    expect(template.user_data).toMatch(/^\$\{base64encode\(local\.Web_UserData_[0-9A-F]{8}\)\}$/);
  });

  test('lets only the region\'s load balancing account write access logs, under its prefix', () => {
    const policy = Object.values<any>(tf[DATA].data?.aws_iam_policy_document ?? {}).find((d) => JSON.stringify(d).includes('s3:PutObject'));
    const write = policy.statement.find((s: any) => s.actions.includes('s3:PutObject'));
    expect(write.principals).toEqual([{ type: 'AWS', identifiers: [expect.stringMatching(/^\$\{data\.aws_elb_service_account\./)] }]);
    expect(write.resources[0]).toMatch(/\/alb\/AWSLogs\//);
  });

  test('routes the app subnets through a NAT gateway in their own AZ', () => {
    const routes = resources(NETWORK, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(routes).toHaveLength(2);
    expect(new Set(routes.map((r) => r.nat_gateway_id)).size).toBe(2);
  });
});

describe('stage 4 as Terraform', () => {
  let tf: TerraformStacks;
  beforeAll(() => {
    tf = synthTerraformStage(4);
  });
  const resources = (stack: string, type: string) => Object.values<any>(tf[stack].resource?.[type] ?? {});
  const data = (stack: string, type: string) => Object.values<any>(tf[stack].data?.[type] ?? {});

  test('puts CloudFront, its web ACL and its alarm in a us-east-1 edge stack', () => {
    expect((tf['webapp-edge'] as any).provider.aws[0].region).toBe('us-east-1');
    expect(resources('webapp-edge', 'aws_wafv2_web_acl')[0].scope).toBe('CLOUDFRONT');
    const [distribution] = resources('webapp-edge', 'aws_cloudfront_distribution');
    expect(distribution.web_acl_id).toMatch(/aws_wafv2_web_acl\./);
    expect(resources('webapp-edge', 'aws_cloudwatch_metric_alarm')[0]).toMatchObject({ namespace: 'AWS/CloudFront', metric_name: '5xxErrorRate' });
    expect((tf['webapp-edge'] as any).output.SiteDomainName).toBeDefined();
  });

  test('admits only CloudFront to the load balancer: the prefix list looked up by name, then the secret header read by name', () => {
    const [list] = data(NETWORK, 'aws_ec2_managed_prefix_list');
    expect(list.name).toBe('com.amazonaws.global.cloudfront.origin-facing');
    const lbRules = resources(NETWORK, 'aws_vpc_security_group_ingress_rule').filter((r) => /LoadBalancerSecurityGroup/.test(JSON.stringify(r.security_group_id)));
    expect(lbRules).toEqual([expect.objectContaining({ from_port: 80, prefix_list_id: expect.stringMatching(/aws_ec2_managed_prefix_list/) })]);
    expect(lbRules[0].cidr_ipv4).toBeUndefined();
    const [listener] = resources(APP, 'aws_lb_listener');
    expect(listener.default_action).toEqual([expect.objectContaining({ type: 'fixed-response', fixed_response: expect.objectContaining({ status_code: '403' }) })]);
    const [rule] = resources(APP, 'aws_lb_listener_rule');
    expect(rule.condition).toEqual([{ http_header: { http_header_name: 'X-Origin-Verify', values: [expect.stringMatching(/data\.aws_secretsmanager_secret_version\./)] } }]);
    for (const stack of [APP, 'webapp-edge']) expect(data(stack, 'aws_secretsmanager_secret_version')).toEqual([expect.objectContaining({ secret_id: 'webapp/origin-verify' })]);
    const [secret] = resources(NETWORK, 'aws_secretsmanager_secret').filter((r) => r.name === 'webapp/origin-verify');
    expect(secret.replica).toBeUndefined(); // the primary is us-east-1 already
  });

  test('replicates the origin-verify secret to us-east-1 when the primary region is another', () => {
    const eu = synthTerraformStage(4, { region: 'eu-west-1' });
    const [secret] = Object.values<any>(eu[NETWORK].resource!.aws_secretsmanager_secret).filter((r) => r.name === 'webapp/origin-verify');
    expect(secret.replica).toEqual([{ region: 'us-east-1' }]);
    expect((eu['webapp-edge'] as any).provider.aws[0].region).toBe('us-east-1');
  });

  test('uploads the static files under the names the app links to, and lets only CloudFront read them', () => {
    const objects = resources(DATA, 'aws_s3_object');
    expect(objects.map((o) => o.key)).toEqual([expect.stringMatching(/^static\/app\.[0-9a-f]{12}\.css$/)]);
    expect(objects[0]).toMatchObject({ content_type: 'text/css', cache_control: 'public, max-age=31536000, immutable' });
    const oac = data(DATA, 'aws_iam_policy_document').find((d) => JSON.stringify(d).includes('cloudfront.amazonaws.com'));
    expect(oac.statement[1]).toMatchObject({ actions: ['s3:GetObject'], condition: [expect.objectContaining({ variable: 'AWS:SourceArn' })] });
  });

  test('hands the web tier and the workers the cache and the queue; the workers consume it, scaled on backlog', () => {
    const userData = Object.values<string>((tf[APP] as any).locals);
    expect(userData).toHaveLength(2);
    for (const text of userData) for (const setting of ['CACHE_ENDPOINT', 'CACHE_SECRET_ARN', 'QUEUE_URL']) expect(text).toContain(`export ${setting}=`);
    expect(userData.some((text) => text.includes("export APP_START='node server.js worker'"))).toBe(true);
    const [group] = resources(DATA, 'aws_elasticache_replication_group');
    expect(group).toMatchObject({ engine: 'valkey', transit_encryption_mode: 'required', multi_az_enabled: true, port: 6380 });
    const backlog = resources(APP, 'aws_autoscaling_policy').find((p) => p.target_tracking_configuration?.customized_metric_specification);
    expect(JSON.stringify(backlog)).toContain('visible / MAX([workers, 1])');
  });

  test('keeps the load balancer open to the internet during the move to CloudFront (openOrigin=true)', () => {
    const open = synthTerraformStage(4, { openOrigin: 'true' });
    const rules = Object.values<any>(open[NETWORK].resource!.aws_vpc_security_group_ingress_rule)
      .filter((r) => /LoadBalancerSecurityGroup/.test(JSON.stringify(r.security_group_id)));
    // CloudFront's rules exist already, so closing the origin only removes rules (no gap).
    expect(rules.map((r) => [r.cidr_ipv4 ?? 'CloudFront', r.from_port, r.to_port])).toEqual([['CloudFront', 80, 443], ['0.0.0.0/0', 80, 80]]);
    expect(Object.keys(open[APP].resource!.aws_lb_listener_rule)).toEqual(['Web_FromCloudFront_1063182E']);
  });

  test('retires the stage-1 volume', () => {
    expect(resources(DATA, 'aws_ebs_volume')).toEqual([]);
  });
});

describe('stage 5 as Terraform', () => {
  let tf: TerraformStacks;
  beforeAll(() => {
    tf = synthTerraformStage(5);
  });
  const resources = (stack: string, type: string) => Object.values<any>(tf[stack].resource?.[type] ?? {});
  const DATA2 = `${DATA}-us-west-2`;
  const APP2 = `${APP}-us-west-2`;

  test('writes the second region\'s stacks with the provider in that region', () => {
    for (const role of ['network', 'data', 'app']) expect((tf[`webapp-${role}-us-west-2`] as any).provider.aws[0].region).toBe('us-west-2');
  });

  test('makes the stage-2 cluster the primary of a global database, keeping its address', () => {
    const [global] = resources(DATA, 'aws_rds_global_cluster');
    expect(global).toMatchObject({ global_cluster_identifier: 'webapp-global', deletion_protection: true, force_destroy: false });
    expect(global.source_db_cluster_identifier).toBe('${aws_rds_cluster.Database_Cluster_C6094C50.arn}');
    const [primary] = resources(DATA, 'aws_rds_cluster');
    // Write forwarding on the primary is set by hand once it is a member (runbook 4-to-5): Terraform leaves it.
    expect(primary.lifecycle).toEqual({ prevent_destroy: true, ignore_changes: ['global_cluster_identifier', 'enable_global_write_forwarding'] });
    expect(primary.serverlessv2_scaling_configuration.min_capacity).toBe(0.5);
    const secret = resources(DATA, 'aws_secretsmanager_secret').find((r) => /Aurora/.test(r.description));
    expect(secret.replica).toEqual([{ region: 'us-west-2' }]);
  });

  test('joins a secondary cluster without users of its own, and points the second region at it through the replicated secret', () => {
    const [secondary] = resources(DATA2, 'aws_rds_cluster');
    expect(secondary).toMatchObject({ global_cluster_identifier: 'webapp-global', storage_encrypted: true });
    expect(secondary.master_username).toBeUndefined();
    expect(secondary.kms_key_id).toMatch(/aws_kms_key\./);
    const userData = Object.values<string>((tf[APP2] as any).locals)[0];
    expect(userData).toMatch(/export DB_SECRET_ARN='\$\{replace\(.*":us-east-1:", ":us-west-2:"\)\}'/);
    // Its own cluster's endpoint instead of the secret's host (the primary's writer); no migrations there.
    expect(userData).toMatch(/export DB_HOST='\$\{data\.terraform_remote_state\.[^}]*reader_endpoint\}'/);
    expect(userData).toContain("export DB_MIGRATE='false'");
    expect(userData).toContain("export DB_WRITE_FORWARDING='true'");
  });

  // Each region reads and writes through its own cluster: the secondary forwards DML to the primary
  // (enable_global_write_forwarding); no instance looks up the global writer in another region.
  test('forwards the second region\'s writes through its own cluster, and no instance reads the global writer endpoint', () => {
    const [secondary] = resources(DATA2, 'aws_rds_cluster');
    expect(secondary.enable_global_write_forwarding).toBe(true);
    expect(JSON.stringify(secondary.lifecycle)).not.toContain('enable_global_write_forwarding');
    for (const app of [APP, APP2]) {
      expect(JSON.stringify(tf[app])).not.toContain('DB_GLOBAL_CLUSTER');
      expect(JSON.stringify(tf[app])).not.toContain('rds:DescribeGlobalClusters');
    }
    const network = (stack: string) => resources(stack, 'aws_vpc')[0].cidr_block;
    expect([network(NETWORK), network(`${NETWORK}-us-west-2`)]).toEqual(['10.0.0.0/16', '10.1.0.0/16']);
  });

  // A global database's clusters must run one engine version: none upgrades on its own, so
  // Terraform's pinned engine_version never plans a downgrade.
  test('pins the engine version on every cluster and turns automatic minor upgrades off on every instance', () => {
    for (const stack of [DATA, DATA2]) {
      for (const cluster of resources(stack, 'aws_rds_cluster')) expect(cluster.engine_version).toBe(AURORA_POSTGRES_VERSION);
      const instances = resources(stack, 'aws_rds_cluster_instance');
      expect(instances.length).toBeGreaterThanOrEqual(2);
      for (const instance of instances) expect(instance).toMatchObject({ engine_version: AURORA_POSTGRES_VERSION, auto_minor_version_upgrade: false });
    }
  });

  test('fails CloudFront\'s reads over to the second region and keeps writes on their own behavior', () => {
    const [distribution] = resources('webapp-edge', 'aws_cloudfront_distribution');
    expect(distribution.origin_group).toEqual([expect.objectContaining({ member: [{ origin_id: 'load-balancer' }, { origin_id: 'load-balancer-failover' }] })]);
    expect(distribution.default_cache_behavior).toMatchObject({ target_origin_id: 'load-balancers', allowed_methods: ['GET', 'HEAD', 'OPTIONS'] });
    expect(distribution.ordered_cache_behavior[0]).toMatchObject({ path_pattern: '/jobs', allowed_methods: expect.arrayContaining(['POST']) });
  });
});

/** Terraform resource types that hold data or identity a later stage depends on: the one type map's. */
const STATEFUL_TF_TYPES = [...STATEFUL_TERRAFORM_TYPES];

test.each(TERRAFORM_STAGES.slice(1).map((to) => [to - 1, to] as const))('what holds data at stage %i keeps its address at stage %i', (from, to) => {
  const before = synthTerraformStage(from);
  const after = synthTerraformStage(to);
  const addresses = (stacks: TerraformStacks, keep: (r: any) => boolean) => Object.entries(stacks).flatMap(([stack, json]) =>
    STATEFUL_TF_TYPES.flatMap((type) => Object.entries<any>(json.resource?.[type] ?? {}).filter(([, r]) => keep(r)).map(([name]) => `${stack}/${type}.${name}`)));
  // Log groups that survive destroy (skip_destroy) may leave the configuration; the app package's
  // bucket holds only the app's zip; stage 4 retires the stage-1 volume (final snapshot, runbook 3-to-4).
  const retired = (r: any) => to === 4 && r.final_snapshot === true;
  const mustStay = addresses(before, (r) => !r.skip_destroy && !String(r.bucket_prefix).startsWith('growth-stages-app-') && !retired(r));
  expect(mustStay.length).toBeGreaterThan(0);
  // Present, or forgotten without being destroyed (a `removed` block: the box's Elastic IP from stage 3).
  const forgotten = Object.entries(after).flatMap(([stack, json]) => ((json as any).removed ?? [])
    .filter((r: any) => r.lifecycle?.destroy === false).map((r: any) => `${stack}/${r.from}`));
  const present = new Set([...addresses(after, () => true), ...forgotten]);
  expect(mustStay.filter((address) => !present.has(address))).toEqual([]);
});

/**
 * 2 -> 3 in two applies (keepBox): the network stack applies first, so a one-step upgrade removes
 * the box's internet rules long before the load balancer can take DNS.
 */
describe('stage 2 to 3 in two applies (keepBox) as Terraform', () => {
  const boxAddresses = (stacks: TerraformStacks) => Object.fromEntries(Object.entries<any>(stacks[APP].resource ?? {}).flatMap(([type, byName]) =>
    Object.entries<any>(byName).filter(([name]) => name.startsWith('Box_')).map(([name, r]): [string, any] => [`${type}.${name}`, r])));
  const internetRules = (stacks: TerraformStacks) => Object.entries<any>(stacks[NETWORK].resource?.aws_vpc_security_group_ingress_rule ?? {})
    .filter(([, r]) => r.cidr_ipv4 === '0.0.0.0/0' && /AppSecurityGroup/.test(JSON.stringify(r.security_group_id)));
  let two: TerraformStacks;
  let kept: TerraformStacks;
  let three: TerraformStacks;
  beforeAll(() => {
    two = synthTerraformStage(2);
    kept = synthTerraformStage(3, { keepBox: true });
    three = synthTerraformStage(3);
  });

  test('the first apply changes no argument of the box, its Elastic IP association or its internet rules', () => {
    const before = boxAddresses(two);
    expect(Object.keys(before).some((a) => a.startsWith('aws_instance.'))).toBe(true);
    expect(Object.keys(before).some((a) => a.startsWith('aws_eip_association.'))).toBe(true);
    expect(boxAddresses(kept)).toEqual(before);
    expect(internetRules(two)).toHaveLength(2);
    expect(internetRules(kept)).toEqual(internetRules(two));
    expect(Object.keys((kept[APP] as any).resource)).toContain('aws_lb');
  });

  test('the second apply (keepBox off) removes them', () => {
    expect(boxAddresses(three)).toEqual({});
    expect(internetRules(three)).toEqual([]);
  });
});
