// What the notifier shows to the HTTP API (/api/v1/alertmanagers).

export interface AlertmanagerRetriever {
  /** URLs of the Alertmanagers alerts are sent to (e.g. http://127.0.0.1:9093/api/v2/alerts). */
  activeAlertmanagers(): string[];
  droppedAlertmanagers(): string[];
}
