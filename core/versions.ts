/**
 * The versions both engines pin. Engine-free: the CDK stages and the Terraform stages read them
 * here, so a version moves only by a change to this file and a deploy
 * (docs/runbooks/engine-upgrade.md), never by a maintenance window.
 */

/**
 * Aurora PostgreSQL of every cluster, primary and secondary. Automatic minor version upgrades are
 * off on every instance: a global database's clusters must run the same version (a secondary
 * created at stage 5 gets this one), and Terraform would otherwise try to move a cluster that AWS
 * upgraded back down. 16.x supports Serverless v2 and global write forwarding in every minor.
 */
export const AURORA_POSTGRES_VERSION = '16.6';

/** The major version of `version`: the parameter group family is `aurora-postgresql<major>`. */
export function majorVersion(version: string = AURORA_POSTGRES_VERSION): string {
  return version.split('.')[0];
}
