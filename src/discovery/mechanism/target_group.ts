// What discovery hands the scrape side and the notifier.
/** One group of targets sharing labels (Prometheus's targetgroup.Group). */
export interface TargetGroup {
  /** Each target is a label set; at least __address__. */
  targets: Record<string, string>[];
  labels: Record<string, string>;
  /** Unique within its provider: an update with the same source replaces the group. */
  source: string;
}
