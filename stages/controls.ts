/**
 * AWS Control Tower's proactive controls as a CDK policy-validation plugin
 * (`@cdklabs/cdk-validator-cfnguard`, which ships their Guard rules): run by `cdk synth -c
 * controls=true` and by the tests of every stage with `hardening=strict`. The controls the design
 * rules out are listed here, once, with the reason (docs/hardening.md shows the same list); every
 * other bundled control runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IPolicyValidationPluginBeta1 } from 'aws-cdk-lib';

/** Why a control does not run. */
export type RuledOutKind =
  /** The design chooses otherwise, on purpose. */
  | 'design'
  /** The resource complies, but the rule cannot see it in a synthesized template. */
  | 'false positive';

export interface RuledOutControl {
  /** The control's ID, as AWS Control Tower names it. */
  readonly id: string;
  /** The Guard rule file's name, which the plugin disables. */
  readonly rule: string;
  /** The stages whose templates it would fail. */
  readonly stages: string;
  readonly kind: RuledOutKind;
  readonly reason: string;
}

/** Every bundled control the stages do not meet, and why. */
export const RULED_OUT_CONTROLS: readonly RuledOutControl[] = [
  {
    id: 'CT.EC2.PR.8', rule: 'ct-ec2-pr-8', stages: '1-2', kind: 'design',
    reason: 'the single box of stages 1-2 is public by design: it serves the site through its Elastic IP, with no load balancer in front',
  },
  {
    id: 'CT.EC2.PR.19', rule: 'ct-ec2-pr-19', stages: '1-2', kind: 'design',
    reason: 'the default instance type, t4g (the cheapest Graviton), has no encryption in transit between instances; the box talks to nothing but its own volume and, from stage 2, the database over TLS. An instanceType of the c7g, m7g, r7g or 8th-generation families passes it',
  },
  {
    id: 'CT.LAMBDA.PR.3', rule: 'ct-lambda-pr-3', stages: '1-5', kind: 'design',
    reason: "aws-cdk-lib's deploy-time functions (default security group lock-down, log retention, asset upload, the CloudFront prefix-list lookup) only call AWS APIs; inside the VPC they would need NAT gateways (none at stages 1-2) or interface endpoints, for no gain",
  },
  {
    id: 'CT.RDS.PR.5', rule: 'ct-rds-pr-5', stages: '2-5', kind: 'design',
    reason: 'engine versions are pinned (core/settings.ts): a version moves by a deliberate change, never in a maintenance window, and a global database runs one version in both regions',
  },
  {
    id: 'CT.S3.PR.2', rule: 'ct-s3-pr-2', stages: '3-5', kind: 'design',
    reason: 'the access-log bucket is the destination of the server access logs; logging its own accesses into itself would loop',
  },
  {
    id: 'CT.S3.PR.4', rule: 'ct-s3-pr-4', stages: '3-5', kind: 'design',
    reason: 'nothing consumes bucket events: logs are read where they are, assets only through CloudFront',
  },
  {
    id: 'CT.S3.PR.9', rule: 'ct-s3-pr-9', stages: '3-5', kind: 'design',
    reason: 'Object Lock would keep logs past their lifecycle expiry and assets past their replacement; versioning (on every bucket) already recovers a deleted object',
  },
  {
    id: 'CT.S3.PR.10', rule: 'ct-s3-pr-10', stages: '3-5', kind: 'design',
    reason: 'load balancer access logs accept only SSE-S3 (and CloudFront standard logs go to the same kind of bucket); the assets bucket is public content served through CloudFront origin access control, for which SSE-KMS adds a key policy and a KMS request per object, no protection',
  },
  {
    id: 'CT.AUTOSCALING.PR.6', rule: 'ct-autoscaling-pr-6', stages: '3-5', kind: 'design',
    reason: 'one Graviton instance type (instanceType) that the capacity model sizes; a mix of types would make the per-instance capacity, and so the scaling thresholds, vary',
  },
  {
    id: 'CT.ELASTICLOADBALANCING.PR.1', rule: 'ct-elasticloadbalancing-pr-1', stages: '3-5', kind: 'design',
    reason: 'without certificateArn the load balancer serves HTTP only; from stage 4, port 80 refuses (403) every request without CloudFront\'s origin header instead of redirecting it, so CloudFront can reach the origin over HTTP until it has a certificate',
  },
  {
    id: 'CT.ELASTICLOADBALANCING.PR.6', rule: 'ct-elasticloadbalancing-pr-6', stages: '3-5', kind: 'false positive',
    reason: 'access logging is on; its bucket lives in the data stack and reaches the app stack through Fn::GetStackOutput, which the rule cannot read (it accepts only a string or a bucket of the same template)',
  },
  {
    id: 'CT.EC2.PR.3', rule: 'ct-ec2-pr-3', stages: '4-5', kind: 'design',
    reason: "the load balancer admits CloudFront's origin-facing prefix list on 80-443 in one rule: a prefix list counts as its ~55 entries against the 60-rule quota of a group, so ports 80 and 443 cannot take a rule each. The rule treats a prefix list as the internet; this one is CloudFront only",
  },
  {
    id: 'CT.EC2.PR.4', rule: 'ct-ec2-pr-4', stages: '4-5', kind: 'design',
    reason: "the same CloudFront prefix-list rule: the 80-443 range spans ports the rule calls high-risk, but nothing listens on them and only CloudFront's addresses are admitted",
  },
  {
    id: 'CT.CLOUDFRONT.PR.1', rule: 'ct-cloudfront-pr-1', stages: '4-5', kind: 'design',
    reason: 'the app serves the site root (/); a default root object would rewrite it to an object name the app does not serve',
  },
  {
    id: 'CT.CLOUDFRONT.PR.4', rule: 'ct-cloudfront-pr-4', stages: '4', kind: 'design',
    reason: 'stage 4 has one region, so no second origin to fail over to; stage 5 adds the origin group',
  },
];

/**
 * The Control Tower plugin with the ruled-out controls disabled, run on the rule files that name
 * a resource type the templates hold. Guard evaluates every rule file it is given against every
 * template, and a rule file selects its resources by type, so one whose types are all absent can
 * only skip: stage 5's templates hold types 106 of the 237 files name, which Guard checks in
 * 6.6 s instead of 16 s (measured warm, one run each, on the 2-core machine). Loaded on demand:
 * the package is needed only when the controls run.
 */
export function controlTowerValidator(): IPolicyValidationPluginBeta1 {
  const { CfnGuardValidator } = require('@cdklabs/cdk-validator-cfnguard') as typeof import('@cdklabs/cdk-validator-cfnguard');
  const root = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard')), '..', 'rules', 'control-tower', 'cfn-guard');
  const ruledOut = new Set(RULED_OUT_CONTROLS.map((c) => c.rule));
  const rules = guardRuleFiles(root).filter((r) => !ruledOut.has(path.basename(r.file, '.guard')));
  const all = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: [...ruledOut] });
  return {
    name: all.name,
    version: all.version,
    ruleIds: all.ruleIds,
    validate(context) {
      const applicable = applicableRules(rules, templateTypes(context.templatePaths));
      if (applicable.length === 0) return { success: true, violations: [] };
      return new CfnGuardValidator({ controlTowerRulesEnabled: false, rules: applicable }).validate(context);
    },
  };
}

/** A Guard rule file and the resource types it names. */
export interface GuardRuleFile {
  readonly file: string;
  readonly types: readonly string[];
}

/** Every `.guard` file below `dir`, with the CloudFormation types it names (in either quotes). */
export function guardRuleFiles(dir: string): GuardRuleFile[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return guardRuleFiles(file);
    if (!entry.name.endsWith('.guard')) return [];
    return [{ file, types: [...new Set(fs.readFileSync(file, 'utf8').match(/AWS::\w+::\w+/g) ?? [])] }];
  });
}

/** The rule files that name at least one of `types`. */
export function applicableRules(rules: readonly GuardRuleFile[], types: ReadonlySet<string>): string[] {
  return rules.filter((r) => r.types.some((t) => types.has(t))).map((r) => r.file);
}

/** The resource types the templates hold. */
function templateTypes(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const file of templatePaths) {
    const resources: Record<string, { Type?: string }> = JSON.parse(fs.readFileSync(file, 'utf8')).Resources ?? {};
    for (const resource of Object.values(resources)) if (resource.Type) types.add(resource.Type);
  }
  return types;
}
