export * from './integration.js';
export { integrationTypes } from './registry.js';
export { templateDataJSON } from './data.js';
export { webhookType, type WebhookConfig } from './webhook.js';
export { checkedHTTPConfig, postJSON, integrationAgent, USER_AGENT } from './http.js';
export { httpClientConfig, parseGoDuration, goJSON } from './common.js';
