/** Queries over raw templates that `Template` assertions cannot express across all resources. */
import { CfnTemplate } from './synth';

/** Resource types whose replacement or deletion loses data or an address someone depends on. */
export const STATEFUL_TYPES = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::Volume', 'AWS::EC2::EIP',
  'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::GlobalCluster',
  'AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::SQS::Queue',
]);

/** [logicalId, resource] of every resource of `type`. */
export function resourcesOfType(template: CfnTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/** Every value anywhere in `node` whose key is `key`. */
export function findKey(node: unknown, key: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((n) => findKey(n, key, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === key) found.push(v);
      findKey(v, key, found);
    }
  }
  return found;
}

/** Security group ingress rules of a template, inline or standalone, with the group's logical ID. */
export function ingressRules(template: CfnTemplate): Array<{ group: unknown; rule: any }> {
  const rules: Array<{ group: unknown; rule: any }> = [];
  for (const [id, sg] of resourcesOfType(template, 'AWS::EC2::SecurityGroup')) {
    for (const rule of sg.Properties?.SecurityGroupIngress ?? []) rules.push({ group: { Ref: id }, rule });
  }
  for (const [, ingress] of resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')) {
    rules.push({ group: ingress.Properties.GroupId, rule: ingress.Properties });
  }
  return rules;
}

/** True when the rule's port range includes `port`. */
export function coversPort(rule: any, port: number): boolean {
  if (rule.IpProtocol === '-1') return true;
  return rule.FromPort <= port && port <= rule.ToPort;
}
