/**
 * CloudFormation resource types that hold data, or an address someone depends on: replacing or
 * deleting one loses something a redeploy cannot bring back. Engine-free; the upgrade tests and
 * the diff command classify with this one list.
 */
export const STATEFUL_TYPES: ReadonlySet<string> = new Set([
  'AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::Volume', 'AWS::EC2::EIP',
  'AWS::RDS::DBCluster', 'AWS::RDS::DBInstance', 'AWS::RDS::GlobalCluster',
  'AWS::SecretsManager::Secret', 'AWS::KMS::Key', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::SQS::Queue',
]);

/** True when resources of `type` hold data. */
export function isStateful(type: string | undefined): boolean {
  return type !== undefined && STATEFUL_TYPES.has(type);
}
