import { createContext, useContext } from 'react';

export type Theme = 'light' | 'dark';

/** The theme saved in localStorage, else the browser's preference. */
export function initialTheme(): Theme {
  const saved = localStorage.getItem('theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export const ThemeContext = createContext<Theme>('light');

export const useTheme = (): Theme => useContext(ThemeContext);

/** A CSS custom property of the current theme (canvas drawing cannot use var()). */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}
