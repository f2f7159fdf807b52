import { useEffect, useRef, useState } from "react";
import type { ReportBlock } from "../../api/reports";
import { Empty } from "../ui/Status";
import type { ReportEditor } from "./useReportEditor";

/** How a block is named in the editor ("Chart: mpg by origin"); the page knows chart titles and job kinds. */
export type DescribeBlock = (block: ReportBlock) => string;

/**
 * The report's blocks in order, each with Move up / Move down / Delete (real buttons, so the keyboard reorders too;
 * focus stays on the moved block's button), or by dragging a block's handle onto another block's place and, for text, an editable Markdown box.
 */
export function BlockList({ editor, describe }: { editor: ReportEditor; describe: DescribeBlock }) {
  const { blocks } = editor.report;
  // After a move the block's button is re-rendered at its new place; put focus back on it (or on its twin at an end).
  const [dragging, setDragging] = useState<string | null>(null);
  const [dropTarget, setDropTarget] = useState<string | null>(null);
  const focusAfterMove = useRef<{ id: string; direction: "up" | "down"; before: ReportBlock[] } | null>(null);
  useEffect(() => {
    // Wait for the server's new order (a render may come between "no longer busy" and the new blocks).
    if (!focusAfterMove.current || editor.busy || blocks === focusAfterMove.current.before) return;
    const { id, direction } = focusAfterMove.current;
    focusAfterMove.current = null;
    const wanted = document.getElementById(`block-${id}-${direction}`) as HTMLButtonElement | null;
    const target = wanted && !wanted.disabled ? wanted : document.getElementById(`block-${id}-${direction === "up" ? "down" : "up"}`);
    target?.focus();
  }, [editor.busy, blocks]);

  if (blocks.length === 0) return <Empty>This report is empty. Add a chart, some text or the dataset profile below.</Empty>;
  const move = async (block: ReportBlock, index: number, delta: number) => {
    focusAfterMove.current = { id: block.id, direction: delta < 0 ? "up" : "down", before: blocks };
    if (!(await editor.moveTo(block.id, index + delta))) focusAfterMove.current = null;
  };
  // Drag and drop by the handle, for a mouse; the buttons do the same from the keyboard.
  const drop = (index: number) => {
    if (dragging) void editor.moveTo(dragging, index);
    setDragging(null);
    setDropTarget(null);
  };
  return (
    <ol className="report-blocks" aria-label="Blocks">
      {blocks.map((block, index) => {
        const label = describe(block);
        const position = `block ${index + 1} (${label})`;
        return (
          <li
            key={block.id}
            className={`report-block${dropTarget === block.id && dragging !== block.id ? " drop-target" : ""}${dragging === block.id ? " dragging" : ""}`}
            data-testid="report-block"
            data-type={block.type}
            onDragOver={(event) => {
              if (!dragging) return;
              event.preventDefault(); // allows the drop
              setDropTarget(block.id);
            }}
            onDrop={(event) => {
              event.preventDefault();
              drop(index);
            }}
          >
            <div className="report-block-header">
              <span
                className="drag-handle"
                draggable={editor.busy === null}
                aria-hidden="true"
                title="Drag to reorder"
                onDragStart={(event) => {
                  event.dataTransfer.setData("text/plain", block.id);
                  event.dataTransfer.effectAllowed = "move";
                  setDragging(block.id);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setDropTarget(null);
                }}
              >
                ⠿
              </span>
              <span className="report-block-label">
                <span className="muted">{index + 1}.</span> {label}
              </span>
              <div className="button-row report-block-actions">
                <button
                  type="button"
                  id={`block-${block.id}-up`}
                  disabled={index === 0 || editor.busy !== null}
                  onClick={() => move(block, index, -1)}
                  aria-label={`Move ${position} up`}
                >
                  Move up
                </button>
                <button
                  type="button"
                  id={`block-${block.id}-down`}
                  disabled={index === blocks.length - 1 || editor.busy !== null}
                  onClick={() => move(block, index, 1)}
                  aria-label={`Move ${position} down`}
                >
                  Move down
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={editor.busy !== null}
                  onClick={() => editor.remove(block.id)}
                  aria-label={`Delete ${position}`}
                >
                  {editor.busy === `delete:${block.id}` ? "Deleting…" : "Delete"}
                </button>
              </div>
            </div>
            {block.type === "text" && <TextBlockEditor block={block} index={index} editor={editor} />}
          </li>
        );
      })}
    </ol>
  );
}

function TextBlockEditor({ block, index, editor }: { block: ReportBlock; index: number; editor: ReportEditor }) {
  const stored = block.markdown ?? "";
  const [text, setText] = useState(stored);
  // A new stored text (saved here, or an answer from the server) restarts the box; done while rendering, as React
  // recommends for state derived from props, so focus stays in the textarea after "Save text".
  const [base, setBase] = useState(stored);
  if (base !== stored) {
    setBase(stored);
    setText(stored);
  }
  const id = `block-${block.id}-markdown`;
  return (
    <form
      className="text-block-form"
      onSubmit={(event) => {
        event.preventDefault();
        void editor.saveText(block.id, text);
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        Markdown of block {index + 1}
      </label>
      <textarea id={id} rows={Math.min(12, Math.max(3, text.split("\n").length + 1))} value={text} onChange={(e) => setText(e.target.value)} />
      <div className="button-row">
        <button type="submit" disabled={text === stored || editor.busy !== null}>
          {editor.busy === `text:${block.id}` ? "Saving…" : "Save text"}
        </button>
        {text !== stored && (
          <button type="button" className="link-button" onClick={() => setText(stored)}>
            Undo changes
          </button>
        )}
      </div>
    </form>
  );
}
