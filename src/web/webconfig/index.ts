// The web config file's face: load it, and make the (TLS, basic-auth) server it describes.
export {
  loadWebConfig,
  parseWebConfig,
  createServerFor,
  BasicAuth,
  AuthCache,
  WebConfigError,
  type WebConfig,
  type TLSServerConfig,
} from './webconfig.js';
