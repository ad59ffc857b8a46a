// A relabel rule as configured (relabel_configs, metric_relabel_configs, alert and write relabeling).
import type { AnchoredRegexp } from '../labels/index.js';

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export interface RelabelConfig {
  source_labels: string[];
  separator: string; // ';'
  regex: AnchoredRegexp; // default '(.*)'
  modulus: number;
  target_label: string;
  replacement: string; // '$1'
  action: RelabelAction; // 'replace'
}
