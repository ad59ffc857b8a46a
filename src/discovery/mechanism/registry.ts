// The discovery mechanisms, registered by their folders (src/discovery/<name>/config.ts) and
// looped over by the config loader (decode, validation), the config marshaller
// (/api/v1/status/config) and the discovery manager (providers). A mechanism is one folder: its
// config type adds its `<name>_sd_configs` key to SDConfigs by declaration merging, and its
// registration brings one field table (configcodec's schema(): decode spec and marshal layout),
// the validation and defaults, and the providers.
import type { Decoded, StructSpec, Struct } from '../../configcodec/index.js';
import type { Provider, ProviderContext } from './provider.js';

/**
 * Every registered mechanism's configs, by YAML key. Each mechanism adds its own key:
 * `declare module '../mechanism/registry.js' { interface SDConfigs { x_sd_configs: XSDConfig[] } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface SDConfigs {}

/** Every discovery mechanism a scrape config or an alertmanager config may hold. */
export type ServiceDiscoveryConfigs = SDConfigs & {
  /** Prometheus's mechanisms that prometheus-ts does not run: name → raw (loaded, logged as not running). */
  unsupported_sd_configs: Record<string, unknown[]>;
};

export interface Mechanism<C = unknown> {
  /** The mechanism label of metrics and logs ('file'). */
  name: string;
  /** The YAML key of its list ('file_sd_configs'). */
  key: string;
  /** The decode spec; its goType names the struct in errors ('file.SDConfig'). */
  spec: StructSpec;
  /** Validates a decoded entry and fills Prometheus's defaults; throws ConfigError. */
  fromDecoded(d: Decoded): C;
  /** How an entry is written back (yaml.v2's field order, omitempty). */
  marshal: Struct;
  /** The providers for one job's list of this mechanism's configs. */
  providers(configs: C[], ctx: ProviderContext): ProviderSpec[];
  /** Makes the entry's relative paths relative to the config file's directory. */
  resolvePaths?(c: C, dir: string): void;
}

export interface ProviderSpec {
  /** The provider's identity across reloads: an unchanged key keeps the running provider. */
  key: string;
  make: () => Provider;
}

const registry: Mechanism[] = [];

export function registerMechanism<C>(m: Mechanism<C>): void {
  if (registry.some((x) => x.key === m.key))
    throw new Error(`discovery mechanism ${m.key} registered twice`);
  registry.push(m as Mechanism);
  registry.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** The registered mechanisms, in key order (the order Prometheus marshals them in). */
export function mechanisms(): readonly Mechanism[] {
  return registry;
}

/** The usual providers: one per config entry, each with the mechanism's logger. */
export function onePerConfig<C>(
  name: string,
  make: (c: C, ctx: ProviderContext) => Provider,
): Mechanism<C>['providers'] {
  return (configs, ctx) =>
    configs.map((c) => ({
      key: `${name}:${JSON.stringify(c)}`,
      make: () => make(c, { ...ctx, logger: ctx.logger.with({ discovery: name }) }),
    }));
}

/** Prometheus 2.48's discovery mechanisms; those not registered load and are logged as not running. */
export const PROMETHEUS_SD_KEYS = [
  'azure_sd_configs',
  'consul_sd_configs',
  'digitalocean_sd_configs',
  'dns_sd_configs',
  'docker_sd_configs',
  'dockerswarm_sd_configs',
  'ec2_sd_configs',
  'eureka_sd_configs',
  'file_sd_configs',
  'gce_sd_configs',
  'hetzner_sd_configs',
  'http_sd_configs',
  'ionos_sd_configs',
  'kubernetes_sd_configs',
  'kuma_sd_configs',
  'lightsail_sd_configs',
  'linode_sd_configs',
  'marathon_sd_configs',
  'nerve_sd_configs',
  'nomad_sd_configs',
  'openstack_sd_configs',
  'ovhcloud_sd_configs',
  'puppetdb_sd_configs',
  'scaleway_sd_configs',
  'serverset_sd_configs',
  'static_configs',
  'triton_sd_configs',
  'uyuni_sd_configs',
  'vultr_sd_configs',
];

/** The keys Prometheus knows that no registered mechanism runs. */
export function unsupportedKeys(): string[] {
  return PROMETHEUS_SD_KEYS.filter((k) => !registry.some((m) => m.key === k));
}
