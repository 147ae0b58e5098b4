import { Stack, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { SIZES } from '../core/settings';

export interface EdgeWebAclProps {
  /**
   * Requests one client IP may make in 5 minutes before it is blocked for a while.
   * @default - `SIZES.webAclRateLimitPer5Minutes` of core/settings.ts (2000)
   */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * The WAF web ACL of a CloudFront distribution: AWS's managed common rule set and known-bad-inputs
 * rule set, and a rate-based rule per client IP; every rule's metrics and samples in CloudWatch.
 * CloudFront web ACLs exist only in us-east-1, so this construct must live in a us-east-1 stack.
 */
export class EdgeWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps = {}) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`EdgeWebAcl must be in a us-east-1 stack (CloudFront web ACLs live there), not ${region}`);
    }
    const limit = props.rateLimitPer5Minutes ?? SIZES.webAclRateLimitPer5Minutes;
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
      throw new Error(`EdgeWebAcl rateLimitPer5Minutes must be an integer from 10 to 2000000000, got ${limit}`);
    }
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true,
    });
    const managed = (name: string, priority: number): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
      visibilityConfig: visibility(name),
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'Resource', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('EdgeWebAcl'),
      rules: [
        managed('AWSManagedRulesCommonRuleSet', 0),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 1),
        {
          name: 'RateLimitPerIp',
          priority: 2,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });
  }
}
