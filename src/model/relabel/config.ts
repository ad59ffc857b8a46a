// A relabel rule as configured (relabel_configs, metric_relabel_configs, alert and write
// relabeling): its type, its YAML decoding and validation with Prometheus's messages, and how it
// is written back.
import { AnchoredRegexp, isValidLabelName, type RegexError } from '../labels/index.js';
import {
  ConfigError,
  describedAs,
  list,
  schema,
  str,
  struct,
  uint,
  withLine,
  type Decoded,
  type Decoder,
} from '../../configcodec/index.js';

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

/** relabel.Config: decoded from and written back to the YAML by one table, in Go's field order. */
export const relabelSchema = schema('relabel.Config', [
  ['source_labels', list(str, 'model.LabelNames'), 'flow', true],
  ['separator', str, 'str', true],
  ['regex', str, 'regex', true],
  ['modulus', uint, 'int', true],
  ['target_label', str, 'str', true],
  ['replacement', str, 'str', true],
  ['action', str, 'str', true],
]);

const ACTIONS: RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
];
const TARGET_LABEL_RE = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

function toRelabel(d: Decoded): RelabelConfig {
  const v = d.values;
  const action = ((v.action as string) || 'replace').toLowerCase() as RelabelAction;
  if (!ACTIONS.includes(action))
    throw new ConfigError(`unknown relabel action "${v.action as string}"`);
  let regex: AnchoredRegexp;
  const src = v.regex === undefined ? '(.*)' : (v.regex as string);
  try {
    regex = new AnchoredRegexp(src);
  } catch (e) {
    throw new ConfigError((e as RegexError).message);
  }
  for (const s of (v.source_labels as string[]) ?? [])
    if (!isValidLabelName(s)) throw new ConfigError(`"${s}" is not a valid label name`);
  const rc: RelabelConfig = {
    source_labels: (v.source_labels as string[]) ?? [],
    separator: v.separator === undefined ? ';' : (v.separator as string),
    regex,
    modulus: (v.modulus as number) ?? 0,
    target_label: (v.target_label as string) ?? '',
    replacement: v.replacement === undefined ? '$1' : (v.replacement as string),
    action,
  };
  if (action === 'hashmod' && rc.modulus === 0)
    throw new ConfigError(`relabel configuration for hashmod requires non-zero modulus`);
  if (
    ['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal'].includes(action) &&
    rc.target_label === ''
  )
    throw new ConfigError(
      `relabel configuration for ${action} action requires 'target_label' value`,
    );
  if (
    (action === 'replace' || action === 'lowercase' || action === 'uppercase') &&
    !TARGET_LABEL_RE.test(rc.target_label)
  )
    throw new ConfigError(`"${rc.target_label}" is invalid 'target_label' for ${action} action`);
  if (
    (action === 'lowercase' ||
      action === 'uppercase' ||
      action === 'hashmod' ||
      action === 'keepequal' ||
      action === 'dropequal') &&
    !isValidLabelName(rc.target_label)
  )
    throw new ConfigError(`"${rc.target_label}" is invalid 'target_label' for ${action} action`);
  if (
    (action === 'keepequal' || action === 'dropequal') &&
    (v.regex !== undefined ||
      v.modulus !== undefined ||
      v.separator !== undefined ||
      v.replacement !== undefined)
  )
    throw new ConfigError(
      `${action} action requires only 'source_labels' and \`target_label\`, and no other fields`,
    );
  if (action === 'labelmap' && !TARGET_LABEL_RE.test(rc.replacement))
    throw new ConfigError(`"${rc.replacement}" is invalid 'replacement' for ${action} action`);
  if (action === 'hashmod' && !isValidLabelName(rc.target_label))
    throw new ConfigError(`"${rc.target_label}" is invalid 'target_label' for ${action} action`);
  if (
    (action === 'labeldrop' || action === 'labelkeep') &&
    (rc.source_labels.length > 0 ||
      rc.target_label !== '' ||
      rc.modulus !== 0 ||
      rc.separator !== ';' ||
      rc.replacement !== '$1')
  )
    throw new ConfigError(`${action} action requires only 'regex', and no other fields`);
  return rc;
}

const relabelItems = list(struct(relabelSchema.spec), '[]*relabel.Config');
/** A list of relabel rules, each validated as Prometheus validates it. */
export const relabelList: Decoder<RelabelConfig[]> = describedAs(
  (node, ctx) => relabelItems(node, ctx).map(withLine(toRelabel)),
  relabelItems,
);
