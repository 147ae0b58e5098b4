/**
 * A bare stack for construct tests, as a platform team copying one construct would have it:
 * default App, no project context. The bundled validator is skipped here (the stage tests run
 * it); Template.fromStack would otherwise start it for every construct.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

process.env.CDK_VALIDATION = 'false';

export function bareStack(): Stack {
  return new Stack(new App(), 'Test', { env: { region: 'us-east-1' } });
}

/** A VPC with the three tiers the constructs expect, in 2 AZs. */
export function testVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    subnetConfiguration: [
      { name: 'Public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'Data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ],
  });
}

/** A prebuilt app folder: the constructs ship it as an asset and start it with this command. */
export const TEST_APP = { path: __dirname, startCommand: 'node server.js' };
