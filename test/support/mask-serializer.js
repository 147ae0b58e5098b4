/**
 * Snapshot serializer: masks asset hashes (they change with the bundled code of CDK's own
 * functions and with the library version, not with this project's infrastructure), so a snapshot
 * diff always means a template change someone should read.
 */
const HASH = /[0-9a-f]{64}/;

module.exports = {
  test: (value) => typeof value === 'string' && HASH.test(value),
  serialize: (value, config, indentation, depth, refs, printer) =>
    printer(value.replace(new RegExp(HASH.source, 'g'), '<asset-hash>'), config, indentation, depth, refs),
};
