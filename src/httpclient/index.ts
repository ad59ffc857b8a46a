// The HTTP client every outgoing request goes through (scrapes, discovery, alerting, remote
// write): its settings as configured, proxies, and the kept-alive GET of the scrape loop.
export * from './config.js';
export * from './client.js';
export * from './proxy.js';
export * from './keepalive_get.js';
