/**
 * Where each component lives: its stack and its construct ID. Every stage places components
 * through these functions, so an ID is written once and cannot drift between stages. One module a
 * concern: foundation (stacks, VPC, topic, app security group), box, data, global-database, web,
 * origin-verify, assets, edge, alarms, published-outputs.
 */
export * from './alarms';
export * from './assets';
export * from './box';
export * from './data';
export * from './edge';
export * from './foundation';
export * from './global-database';
export * from './origin-verify';
export * from './published-outputs';
export * from './web';
