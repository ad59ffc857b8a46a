// A lint finding: a config or rule that is valid but certainly does not do what it says.
// Findings never fail a load; promtool-ts prints them (exit 3 only under --lint-fatal) and the
// server logs them at each (re)load.

export interface LintFinding {
  file: string;
  /** 1-based; 0 when the place is not known. */
  line: number;
  column: number;
  message: string;
  /** What to write instead. */
  fix: string;
}

export function formatFinding(f: LintFinding): string {
  const where = f.line > 0 ? `${f.file}:${f.line}:${f.column}` : f.file;
  return `${where}: ${f.message} Fix: ${f.fix}`;
}
