export { AlertStore, type AlertListener } from './alerts.js';
