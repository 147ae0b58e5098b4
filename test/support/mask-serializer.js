/**
 * Snapshot serializer: masks what changes without the infrastructure changing shape, so a
 * snapshot diff always means a template change someone should read:
 * - asset hashes (64 hex), which follow the bundled code of the app and of CDK's own functions,
 *   and CDK for Terraform's (32 upper-case hex, in the app package's key and archive path);
 * - the 16-hex suffix CDK adds to the logical ID of an instance replaced when its user data
 *   changes (`userDataCausesReplacement`): it follows the app's asset hash too.
 * Applies to string values and to object keys (logical IDs are keys).
 */
const ASSET_HASH = /[0-9a-f]{64}|(?<=app\/|\/)[0-9A-F]{32}(?=\.zip|\/archive\.zip)/g;
const USER_DATA_HASH = /([0-9A-F]{8})[0-9a-f]{16}\b/g;

const mask = (text) => text.replace(ASSET_HASH, '<asset-hash>').replace(USER_DATA_HASH, '$1<user-data-hash>');
const isPlainObject = (value) => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

module.exports = {
  test: (value) => (typeof value === 'string' && mask(value) !== value)
    || (isPlainObject(value) && Object.keys(value).some((key) => mask(key) !== key)),
  serialize: (value, config, indentation, depth, refs, printer) => printer(
    typeof value === 'string' ? mask(value) : Object.fromEntries(Object.entries(value).map(([k, v]) => [mask(k), v])),
    config, indentation, depth, refs,
  ),
};
