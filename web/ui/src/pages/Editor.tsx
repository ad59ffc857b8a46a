import { useEffect, useRef, type MutableRefObject } from 'react';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import {
  acceptCompletion,
  autocompletion,
  closeBrackets,
  completionStatus,
} from '@codemirror/autocomplete';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import {
  newCompleteStrategy,
  PromQLExtension,
  type CompleteStrategy,
} from '@prometheus-io/codemirror-promql';
import { functionIdentifierTerms } from '@prometheus-io/codemirror-promql/dist/esm/complete/promql.terms.js';
import { pathPrefix } from '../api.js';
import { offeredByServer, unknownFunctionCalls } from '../lib/functions.js';
import { useSettings } from '../lib/settings.js';

/** Function names codemirror-promql knows (its parser accepts them all, Prometheus 3's included). */
const EDITOR_FUNCTIONS: ReadonlySet<string> = new Set(functionIdentifierTerms.map((t) => t.label));

/** codemirror-promql's completion with the functions this server lacks taken out. */
function serverCompletion(): CompleteStrategy {
  const base = newCompleteStrategy({ remote: { url: window.location.origin + pathPrefix() } });
  return {
    promQL: async (ctx) => {
      const r = await base.promQL(ctx);
      return r === null ? null : { ...r, options: r.options.filter(offeredByServer) };
    },
    destroy: () => base.destroy?.(),
  };
}

/** Calls of functions codemirror-promql accepts and this server would reject, marked before running. */
const serverFunctionLint = linter((view) =>
  unknownFunctionCalls(view.state.doc.toString(), EDITOR_FUNCTIONS).map(
    ([from, to, name]): Diagnostic => ({
      from,
      to,
      severity: 'error',
      message: `unknown function with name "${name}" (not in Prometheus 2.48)`,
    }),
  ),
);

// Token classes instead of colours, so style.css colours them for the light and the dark theme.
const promqlHighlight = HighlightStyle.define([
  { tag: tags.comment, class: 'hl-comment' },
  { tag: tags.labelName, class: 'hl-label' },
  { tag: tags.string, class: 'hl-string' },
  { tag: tags.number, class: 'hl-number' },
  { tag: tags.function(tags.variableName), class: 'hl-function' },
  { tag: tags.variableName, class: 'hl-metric' },
  { tag: [tags.operatorKeyword, tags.modifier, tags.logicOperator], class: 'hl-keyword' },
]);

/**
 * PromQL editor: Enter executes (or accepts the open completion), Shift+Enter inserts a newline;
 * completion and linting from this server's API. insertRef receives a function inserting text at the cursor.
 */
export function PromQLEditor({
  value,
  onChange,
  onExecute,
  insertRef,
}: {
  value: string;
  onChange: (v: string) => void;
  onExecute: () => void;
  insertRef?: MutableRefObject<((text: string) => void) | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const cb = useRef({ onChange, onExecute });
  cb.current = { onChange, onExecute };
  const { autocomplete, highlighting, linter: lint } = useSettings();

  useEffect(() => {
    const promql = new PromQLExtension()
      .setComplete({ completeStrategy: serverCompletion() })
      .activateCompletion(autocomplete)
      .activateLinter(lint);
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          ...(autocomplete ? [autocompletion()] : []),
          ...(lint ? [lintGutter()] : []),
          ...(highlighting ? [syntaxHighlighting(promqlHighlight)] : []),
          placeholder('Expression (press Shift+Enter for newlines)'),
          promql.asExtension(),
          ...(lint ? [serverFunctionLint] : []),
          Prec.highest(
            keymap.of([
              // With the completion list open, Enter picks from it (or does nothing in the instant after it
              // opened, when the list refuses input) and never executes a half-typed name.
              {
                key: 'Enter',
                run: (ev) => {
                  if (completionStatus(ev.state) === 'active') {
                    acceptCompletion(ev);
                    return true;
                  }
                  cb.current.onExecute();
                  return true;
                },
              },
              { key: 'Shift-Enter', run: insertNewline },
            ]),
          ),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) cb.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    if (insertRef)
      insertRef.current = (text) => {
        v.dispatch(v.state.replaceSelection(text));
        v.focus();
      };
    return () => v.destroy();
    // Rebuilt only when a setting changes; the current text carries over through `value`.
  }, [autocomplete, highlighting, lint]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value)
      v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div className="editor" ref={host} data-testid="editor" />;
}
