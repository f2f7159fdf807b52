import { useState } from "react";
import {
  addBlock,
  deleteBlock,
  renameReport,
  reorderBlocks,
  shareReport,
  unshareReport,
  updateTextBlock,
  type BlockCreate,
  type Report,
} from "../../api/reports";
import { useAction } from "../../lib/useAction";

/** The order after taking the block at `from` out and putting it back at `to`; the same order when either is out of range. */
export function movedOrder(ids: readonly string[], from: number, to: number): string[] {
  const order = [...ids];
  if (from < 0 || from >= order.length || to < 0 || to >= order.length) return order;
  const [moved] = order.splice(from, 1);
  order.splice(to, 0, moved);
  return order;
}

export interface ReportEditor {
  report: Report;
  /** The action in flight ("add", "move", "delete:<block id>", ...), so its button says so; null when idle. */
  busy: string | null;
  error: unknown;
  rename: (title: string) => Promise<boolean>;
  add: (block: BlockCreate) => Promise<boolean>;
  saveText: (blockId: string, markdown: string) => Promise<boolean>;
  remove: (blockId: string) => Promise<boolean>;
  /** Put a block at `index` (by drag and drop, or by Move up / Move down); false when it stays where it is. */
  moveTo: (blockId: string, index: number) => Promise<boolean>;
  share: () => Promise<boolean>;
  unshare: () => Promise<boolean>;
}

/**
 * The report being edited and every change to it. Each change is one request whose answer (the whole report) replaces
 * what is shown, so the page never shows an order or a text the server did not store; a failed change keeps the last
 * stored report and shows the server's problem. One change at a time: actions while busy are refused.
 */
export function useReportEditor(initial: Report): ReportEditor {
  const [report, setReport] = useState(initial);
  const [label, setLabel] = useState<string | null>(null);
  const action = useAction();

  const run = async (name: string, change: () => Promise<Report>): Promise<boolean> => {
    if (action.busy) return false;
    setLabel(name);
    const next = await action.run(change);
    if (next) setReport(next);
    return next !== undefined;
  };

  const id = report.id;
  return {
    report,
    busy: action.busy ? label : null,
    error: action.error,
    rename: (title) => run("rename", () => renameReport(id, title)),
    add: (block) => run(`add:${block.type}`, () => addBlock(id, block)),
    saveText: (blockId, markdown) => run(`text:${blockId}`, () => updateTextBlock(id, blockId, markdown)),
    remove: (blockId) => run(`delete:${blockId}`, () => deleteBlock(id, blockId)),
    moveTo: (blockId, index) => {
      const ids = report.blocks.map((block) => block.id);
      const order = movedOrder(ids, ids.indexOf(blockId), index);
      if (order.every((value, i) => value === ids[i])) return Promise.resolve(false);
      return run(`move:${blockId}`, () => reorderBlocks(id, order));
    },
    share: () => run("share", async () => ({ ...report, share: await shareReport(id) })),
    unshare: () =>
      run("unshare", async () => {
        await unshareReport(id);
        return { ...report, share: null };
      }),
  };
}
