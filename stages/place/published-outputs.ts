import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * Keeps publishing a value that the previous stage's consumer stack read through a weak
 * cross-stack reference (`Fn::GetStackOutput`) after this stage stopped reading it. The producer
 * deploys first; without the output the consumer's old template could no longer be resolved, so
 * a failed update could not roll back. Uses the name CDK gives such outputs (`Publish/Output<ref>`);
 * the upgrade test checks that the name matches. A stage-level concern: no reusable construct
 * adds stack outputs.
 */
export function keepPublishedOutput(stack: Stack, value: string) {
  const scope = stack.node.tryFindChild('Publish') ?? new Construct(stack, 'Publish');
  const id = 'Output' + JSON.stringify(stack.resolve(value));
  if (!scope.node.tryFindChild(id)) new CfnOutput(scope, id, { value });
}
