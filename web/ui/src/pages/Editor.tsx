import { useEffect, useRef } from 'react';
import { EditorView, keymap, placeholder } from '@codemirror/view';
import { EditorState, Prec } from '@codemirror/state';
import { defaultKeymap, history, historyKeymap, insertNewline } from '@codemirror/commands';
import { syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { autocompletion, closeBrackets } from '@codemirror/autocomplete';
import { lintGutter } from '@codemirror/lint';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { pathPrefix } from '../api.js';

/** PromQL editor: Enter executes, Shift+Enter inserts a newline; completion from this server's API. */
export function PromQLEditor({ value, onChange, onExecute }: { value: string; onChange: (v: string) => void; onExecute: () => void }) {
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
          syntaxHighlighting(defaultHighlightStyle),
          placeholder('Expression (press Shift+Enter for newlines)'),
          promql.asExtension(),
          Prec.highest(keymap.of([
            { key: 'Enter', run: () => { cb.current.onExecute(); return true; } },
            { key: 'Shift-Enter', run: insertNewline },
          ])),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => { if (u.docChanged) cb.current.onChange(u.state.doc.toString()); }),
        ],
      }),
    });
    view.current = v;
    return () => v.destroy();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div className="editor" ref={host} data-testid="editor" />;
}
