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

/** The order after moving the block at `index` by `delta` (-1 up, +1 down); the same order when it cannot move. */
export function movedOrder(ids: readonly string[], index: number, delta: number): string[] {
  const target = index + delta;
  const order = [...ids];
  if (index < 0 || index >= order.length || target < 0 || target >= order.length) return order;
  [order[index], order[target]] = [order[target], order[index]];
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
  move: (blockId: string, delta: number) => Promise<boolean>;
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
    move: (blockId, delta) => {
      const ids = report.blocks.map((block) => block.id);
      const order = movedOrder(ids, ids.indexOf(blockId), delta);
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
