/**
 * Resource types that hold data, or an address someone depends on: replacing or deleting one loses
 * something a redeploy cannot bring back. Read from the one type map (core/resource-types.ts), so
 * the upgrade tests, the diff command and the Terraform address checks classify alike.
 */
import { CLOUDFORMATION_TYPES, TERRAFORM_TYPES } from './resource-types';

const holdingData = (map: typeof CLOUDFORMATION_TYPES) =>
  new Set(Object.entries(map).filter(([, entry]) => entry.holdsData).map(([type]) => type));

/** CloudFormation types that hold data. */
export const STATEFUL_TYPES: ReadonlySet<string> = holdingData(CLOUDFORMATION_TYPES);

/** Terraform resource types that hold data. */
export const STATEFUL_TERRAFORM_TYPES: ReadonlySet<string> = holdingData(TERRAFORM_TYPES);

/** True when CloudFormation resources of `type` hold data. */
export function isStateful(type: string | undefined): boolean {
  return type !== undefined && STATEFUL_TYPES.has(type);
}
