import { App, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { EdgeWebAcl } from '../../lib/edge-web-acl';
import { bareStack } from '../support/bare-stack';

describe('EdgeWebAcl', () => {
  const stack = bareStack();
  new EdgeWebAcl(stack, 'Waf');
  const t = Template.fromStack(stack);

  test('is a CloudFront web ACL with the managed common and bad-input rules, and a rate limit per IP', () => {
    t.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({ Name: 'AWSManagedRulesCommonRuleSet', OverrideAction: { None: {} }, Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
        Match.objectLike({ Name: 'RateLimitPerIp', Action: { Block: {} }, Statement: { RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } } }),
      ],
    });
  });

  test('errors outside us-east-1 and on a rate limit WAF refuses', () => {
    const elsewhere = new Stack(new App(), 'Eu', { env: { region: 'eu-west-1' } });
    expect(() => new EdgeWebAcl(elsewhere, 'Waf')).toThrow('EdgeWebAcl must be in a us-east-1 stack (CloudFront web ACLs live there), not eu-west-1');
    expect(() => new EdgeWebAcl(bareStack(), 'Waf', { rateLimitPer5Minutes: 5 })).toThrow('rateLimitPer5Minutes must be an integer from 10 to 2000000000, got 5');
  });
});
