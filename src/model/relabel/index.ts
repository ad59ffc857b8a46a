export * from './relabel.js';
export { relabelList, relabelSchema, type RelabelAction, type RelabelConfig } from './config.js';
