// static_configs: targets written in the config itself.
import { ConfigError, labelSet, schema, strings, type Decoded } from '../../configcodec/index.js';
import { isValidLabelName } from '../../model/labels/index.js';
import { registerMechanism } from '../mechanism/index.js';
import { StaticProvider } from './static.js';

export interface StaticConfig {
  targets: string[];
  labels: Record<string, string>;
}

declare module '../mechanism/registry.js' {
  interface SDConfigs {
    static_configs: StaticConfig[];
  }
}

registerMechanism<StaticConfig>({
  name: 'static',
  key: 'static_configs',
  ...schema('targetgroup.Group', [
    ['targets', strings, 'list', false],
    ['labels', labelSet, 'strmap', true],
  ]),
  fromDecoded(d: Decoded): StaticConfig {
    const targets = (d.values.targets as string[]) ?? [];
    const labels = (d.values.labels as Record<string, string>) ?? {};
    for (const n of Object.keys(labels))
      if (!isValidLabelName(n)) throw new ConfigError(`"${n}" is not a valid label name`);
    return { targets, labels };
  },
  // One provider for the job's whole list: a group per static config block.
  providers: (configs) =>
    configs.length === 0
      ? []
      : [{ key: `static:${JSON.stringify(configs)}`, make: () => new StaticProvider(configs) }],
});
