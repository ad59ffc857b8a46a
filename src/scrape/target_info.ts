// What the scrape side shows of each target to the HTTP API and the UI (/api/v1/targets,
// /api/v1/targets/metadata, /api/v1/scrape_pools). The API formats; the scrape manager fills.
import type { Labels } from '../model/labels/index.js';
import type { MetricType } from '../model/textparse/index.js';

export type TargetHealth = 'up' | 'down' | 'unknown';

export interface MetricMetadata {
  metric: string; // metric family name
  type: MetricType;
  help: string;
  unit: string;
}

export interface TargetInfo {
  scrapePool: string;
  /** Labels before relabeling (with __meta_*, __address__, …). */
  discoveredLabels: Labels;
  /** Labels after relabeling (empty for a dropped target). */
  labels: Labels;
  scrapeUrl: string;
  globalUrl: string;
  health: TargetHealth;
  lastError: string;
  /** null before the first scrape (the API prints Go's zero time). */
  lastScrape: Date | null;
  /** Seconds. */
  lastScrapeDuration: number;
  /** ms */
  scrapeInterval: number;
  /** ms */
  scrapeTimeout: number;
  /** Metadata seen in the last scrapes of this target. */
  metadata(): MetricMetadata[];
}

/** Implemented by the scrape manager; consumed by the API. */
export interface TargetRetriever {
  targetsActive(): Map<string, TargetInfo[]>;
  targetsDropped(): Map<string, TargetInfo[]>;
  scrapePools(): string[];
}
