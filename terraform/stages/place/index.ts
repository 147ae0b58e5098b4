/**
 * Where each Terraform component lives: its stack and its construct ID (which set its address
 * and its `//` metadata path), written once for every stage. One module a concern, as the
 * CloudFormation side's stages/place/.
 */
export * from './alarms';
export * from './box';
export * from './data';
export * from './edge';
export * from './foundation';
export * from './global-database';
export * from './origin-verify';
export * from './web';
