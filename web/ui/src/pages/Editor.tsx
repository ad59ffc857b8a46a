import { useEffect, useRef, type MutableRefObject } from 'react';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { acceptCompletion, autocompletion, closeBrackets, completionStatus } from '@codemirror/autocomplete';
import { lintGutter } from '@codemirror/lint';
import { tags } from '@lezer/highlight';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { pathPrefix } from '../api.js';

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
export function PromQLEditor({ value, onChange, onExecute, insertRef }: {
  value: string; onChange: (v: string) => void; onExecute: () => void; insertRef?: MutableRefObject<((text: string) => void) | null>;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const cb = useRef({ onChange, onExecute });
  cb.current = { onChange, onExecute };

  useEffect(() => {
    const promql = new PromQLExtension().setComplete({ remote: { url: window.location.origin + pathPrefix() } });
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          history(),
          closeBrackets(),
          autocompletion(),
          lintGutter(),
          syntaxHighlighting(promqlHighlight),
          placeholder('Expression (press Shift+Enter for newlines)'),
          promql.asExtension(),
          Prec.highest(keymap.of([
            // With the completion list open, Enter picks from it (or does nothing in the instant after it
            // opened, when the list refuses input) and never executes a half-typed name.
            { key: 'Enter', run: (ev) => { if (completionStatus(ev.state) === 'active') { acceptCompletion(ev); return true; } cb.current.onExecute(); return true; } },
            { key: 'Shift-Enter', run: insertNewline },
          ])),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => { if (u.docChanged) cb.current.onChange(u.state.doc.toString()); }),
        ],
      }),
    });
    view.current = v;
    if (insertRef) insertRef.current = (text) => { v.dispatch(v.state.replaceSelection(text)); v.focus(); };
    return () => v.destroy();
    // Built once: later props reach the editor through cb and insertRef, not by rebuilding it.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div className="editor" ref={host} data-testid="editor" />;
}
