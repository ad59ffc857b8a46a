export { ApiV2, type ApiState } from './v2.js';
