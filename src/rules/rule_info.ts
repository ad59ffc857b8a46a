// What the rules manager shows to the HTTP API and the UI (/api/v1/rules, /api/v1/alerts).
import type { Labels } from '../model/labels/index.js';

export type AlertState = 'inactive' | 'pending' | 'firing';
export type RuleHealth = 'ok' | 'err' | 'unknown';

export interface ActiveAlert {
  labels: Labels;
  annotations: Labels;
  state: AlertState;
  activeAt: Date | null;
  keepFiringSince: Date | null;
  /** The sample value that made the alert, as a float. */
  value: number;
}

export interface AlertingRuleInfo {
  type: 'alerting';
  name: string;
  query: string; // the expression, printed canonically
  duration: number; // `for`, seconds
  keepFiringFor: number; // seconds
  labels: Labels;
  annotations: Labels;
  alerts: ActiveAlert[];
  health: RuleHealth;
  lastError: string;
  evaluationTime: number; // seconds
  lastEvaluation: Date | null;
  state: AlertState;
}

export interface RecordingRuleInfo {
  type: 'recording';
  name: string;
  query: string;
  labels: Labels;
  health: RuleHealth;
  lastError: string;
  evaluationTime: number;
  lastEvaluation: Date | null;
}

export type RuleInfo = AlertingRuleInfo | RecordingRuleInfo;

export interface RuleGroupInfo {
  name: string;
  file: string;
  interval: number; // seconds
  limit: number;
  rules: RuleInfo[];
  evaluationTime: number; // seconds
  lastEvaluation: Date | null;
}

/** Implemented by the rules manager; consumed by the API. */
export interface RulesRetriever {
  ruleGroups(): RuleGroupInfo[];
}
