// file_sd_configs: target groups in JSON or YAML files named by globs.
import { isAbsolute, join } from 'node:path';
import { ConfigError, duration, schema, strings, type Decoded } from '../../configcodec/index.js';
import { onePerConfig, registerMechanism } from '../mechanism/index.js';
import { FileProvider } from './file.js';

export interface FileSDConfig {
  files: string[];
  refresh_interval: number; // ms, 5m
}

declare module '../mechanism/registry.js' {
  interface SDConfigs {
    file_sd_configs: FileSDConfig[];
  }
}

registerMechanism<FileSDConfig>({
  name: 'file',
  key: 'file_sd_configs',
  ...schema('file.SDConfig', [
    ['files', strings, 'list', false],
    ['refresh_interval', duration, 'dur', true],
  ]),
  fromDecoded(d: Decoded): FileSDConfig {
    const files = (d.values.files as string[]) ?? [];
    if (files.length === 0)
      throw new ConfigError('file service discovery config must contain at least one path name');
    for (const f of files)
      if (!/\.(json|ya?ml)$/.test(f.split('/').pop() ?? ''))
        throw new ConfigError(`path name "${f}" is not valid for file discovery`);
    return { files, refresh_interval: (d.values.refresh_interval as number) ?? 300_000 };
  },
  providers: onePerConfig('file', (c, ctx) => new FileProvider(c, ctx)),
  resolvePaths(c, dir) {
    c.files = c.files.map((f) => (isAbsolute(f) ? f : join(dir, f)));
  },
});
