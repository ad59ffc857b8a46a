// static_configs: the targets written in the config, one group per static config block.
import type { TargetGroup, Provider } from '../mechanism/index.js';
import type { StaticConfig } from './config.js';

export class StaticProvider implements Provider {
  constructor(private readonly cfgs: StaticConfig[]) {}

  start(emit: (groups: TargetGroup[]) => void): void {
    emit(
      this.cfgs.map((c, i) => ({
        targets: c.targets.map((t) => ({ __address__: t })),
        labels: { ...c.labels },
        source: String(i),
      })),
    );
  }

  stop(): void {}
}
