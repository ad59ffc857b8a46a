// An alert as the rules hand it to the notifier and the notifier posts it to Alertmanager.
import type { Labels } from '../model/labels/index.js';

export interface Alert {
  labels: Labels;
  annotations: Labels;
  startsAt: Date;
  /** When the alert resolved, or until when a firing alert holds if not resent. */
  endsAt: Date | null;
  generatorURL: string;
}
