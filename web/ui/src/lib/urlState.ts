// Panel state in Prometheus's URL form: g0.expr=…&g0.tab=0&g0.range_input=1h…
export interface PanelState {
  expr: string;
  /** 0 = graph, 1 = table (Prometheus's numbering), 2 = explain (`tab=explain`, as Prometheus 3 names it). */
  tab: 0 | 1 | 2;
  rangeInput: string;
  /** End time in ms, or null for "now". */
  endTime: number | null;
  /** Evaluation time of the table view in ms, or null for "now". */
  momentTime: number | null;
  /** Resolution in seconds, or null for automatic. */
  stepInput: number | null;
  stacked: boolean;
  showExemplars: boolean;
  /** A logarithmic y axis (ours: `y_axis=log`, left out when linear so links stay Prometheus's). */
  logScale: boolean;
}

import { formatTime, parseDuration, parseTime } from './time.js';

export function defaultPanel(): PanelState {
  return {
    expr: '',
    tab: 1,
    rangeInput: '1h',
    endTime: null,
    momentTime: null,
    stepInput: null,
    stacked: false,
    showExemplars: false,
    logScale: false,
  };
}

/** Decodes a location.search string into panels; no panel params gives one default panel. */
export function decodePanels(search: string): PanelState[] {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const byIndex = new Map<number, PanelState>();
  for (const [key, value] of params) {
    const m = /^g(\d+)\.(.+)$/.exec(key);
    if (!m) continue;
    const idx = parseInt(m[1]!, 10);
    let p = byIndex.get(idx);
    if (!p) {
      p = defaultPanel();
      byIndex.set(idx, p);
    }
    switch (m[2]) {
      case 'expr':
        p.expr = value;
        break;
      // As Prometheus: only "0" is the graph; a missing or other tab opens the table.
      case 'tab':
        p.tab = value === '0' || value === 'graph' ? 0 : value === 'explain' ? 2 : 1;
        break;
      case 'range_input':
        if (parseDuration(value) !== null) p.rangeInput = value;
        break;
      case 'end_input':
        p.endTime = parseTime(value);
        break;
      case 'moment_input':
        p.momentTime = parseTime(value);
        break;
      case 'step_input': {
        const n = parseFloat(value);
        p.stepInput = isFinite(n) && n > 0 ? n : null;
        break;
      }
      case 'stacked':
        p.stacked = value === '1';
        break;
      // Links from Prometheus 2.49+ say display_mode=lines|stacked|heatmap instead (heatmap: drawn as lines).
      case 'display_mode':
        p.stacked = value === 'stacked';
        break;
      case 'show_exemplars':
        p.showExemplars = value === '1';
        break;
      case 'y_axis':
        p.logScale = value === 'log';
        break;
    }
  }
  if (byIndex.size === 0) return [defaultPanel()];
  return [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** Encodes panels as Prometheus does, so the link opens the same view in Prometheus. */
export function encodePanels(panels: PanelState[]): string {
  const parts: string[] = [];
  const enc = encodeURIComponent;
  panels.forEach((p, i) => {
    const g = `g${i}`;
    parts.push(`${g}.expr=${enc(p.expr)}`);
    parts.push(`${g}.tab=${p.tab === 2 ? 'explain' : p.tab}`);
    parts.push(`${g}.stacked=${p.stacked ? 1 : 0}`);
    parts.push(`${g}.show_exemplars=${p.showExemplars ? 1 : 0}`);
    parts.push(`${g}.range_input=${enc(p.rangeInput)}`);
    if (p.endTime !== null) parts.push(`${g}.end_input=${enc(formatTime(p.endTime))}`);
    if (p.momentTime !== null) parts.push(`${g}.moment_input=${enc(formatTime(p.momentTime))}`);
    if (p.stepInput !== null) parts.push(`${g}.step_input=${p.stepInput}`);
    if (p.logScale) parts.push(`${g}.y_axis=log`);
  });
  return parts.join('&');
}
