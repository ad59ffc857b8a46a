// How other machines reach a target that was discovered as localhost (Prometheus's getGlobalURL):
// our own port on localhost is this server, so it becomes the external URL's scheme and host; any
// other localhost port keeps its port on the external URL's hostname, the best guess there is.
import { splitHostPort } from '../../web.js';

const LOCALHOST = new Set(['127.0.0.1', 'localhost', '::1']);

export function globalURL(target: string, externalURL: URL, listenAddress: string): string {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return target;
  }
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!LOCALHOST.has(host)) return target;
  if (u.port === String(splitHostPort(listenAddress).port)) {
    u.protocol = externalURL.protocol;
    u.hostname = externalURL.hostname;
    u.port = externalURL.port; // '' (the scheme's default) clears it
  } else {
    u.hostname = externalURL.hostname;
  }
  return u.toString();
}
