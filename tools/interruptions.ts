/**
 * Properties whose in-place update interrupts the resource ("Update requires: Some
 * interruptions" in the CloudFormation User Guide), for the resource types the ladder uses. The
 * resource specification behind @aws-cdk/cloudformation-diff records only whether an update
 * replaces, so this short table adds the interruptions.
 */
const INTERRUPTING: Record<string, readonly string[]> = {
  'AWS::EC2::Instance': ['InstanceType', 'UserData', 'EbsOptimized', 'KernelId', 'RamdiskId'],
  'AWS::RDS::DBInstance': ['DBInstanceClass', 'EngineVersion', 'DBParameterGroupName', 'CACertificateIdentifier'],
  'AWS::RDS::DBCluster': ['EngineVersion'],
  'AWS::ElastiCache::ReplicationGroup': ['CacheNodeType', 'EngineVersion'],
};

/** The properties among `changed` whose update interrupts a resource of `type`. */
export function interruptingProperties(type: string, changed: string[]): string[] {
  const interrupting = INTERRUPTING[type] ?? [];
  return changed.filter((p) => interrupting.includes(p));
}
