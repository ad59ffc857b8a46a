// The user's UI settings (the navbar's ⚙ menu), kept in localStorage as Prometheus 3's are.
import { createContext, useContext } from 'react';

export interface Settings {
  /** Show times in the browser's time zone instead of UTC (URLs stay in UTC, as Prometheus's). */
  localTime: boolean;
  autocomplete: boolean;
  highlighting: boolean;
  linter: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  localTime: false,
  autocomplete: true,
  highlighting: true,
  linter: true,
};

const KEY = 'settings';

export function loadSettings(storage: Pick<Storage, 'getItem'> = localStorage): Settings {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? '{}') as Partial<Settings>;
    const out = { ...DEFAULT_SETTINGS };
    for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[])
      if (typeof saved[k] === 'boolean') out[k] = saved[k];
    return out;
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function saveSettings(s: Settings, storage: Pick<Storage, 'setItem'> = localStorage): void {
  storage.setItem(KEY, JSON.stringify(s));
}

export const SettingsContext = createContext<{
  settings: Settings;
  setSettings: (s: Settings) => void;
}>({ settings: DEFAULT_SETTINGS, setSettings: () => {} });

export const useSettings = (): Settings => useContext(SettingsContext).settings;
