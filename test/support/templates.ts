/** Queries over raw templates that `Template` assertions cannot express across all resources. */
import { CfnTemplate } from './synth';

export { STATEFUL_TYPES } from '../../core/stateful';
export { findKey } from '../../core/template-query';

/** [logicalId, resource] of every resource of `type`. */
export function resourcesOfType(template: CfnTemplate, type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
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
