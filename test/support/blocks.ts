/** Reading what a user would see in recorded Block Kit, for assertions. */

export { visibleText } from '../../src/playground/local-slack.js';

type Block = {
  type: string;
  text?: { text?: string };
  elements?: { action_id?: string; value?: string; text?: unknown }[];
};

export function buttonValue(blocks: unknown, actionId: string): string {
  for (const block of (blocks as Block[]) ?? []) {
    const button = block.elements?.find((element) => element.action_id === actionId);
    if (button?.value !== undefined) return button.value;
  }
  throw new Error(`no button ${actionId} in the message`);
}

export function actionIds(blocks: unknown): string[] {
  return ((blocks as Block[]) ?? []).flatMap((block) =>
    block.type === 'actions' ? (block.elements ?? []).map((element) => element.action_id ?? '') : [],
  );
}

/** The text of each cell of a message's table block, row by row (none: empty). */
export function tableRows(blocks: unknown): string[][] {
  const table = ((blocks as { type: string }[]) ?? []).find((block) => block.type === 'table') as
    | { rows: { text?: string }[][] }
    | undefined;
  return table ? table.rows.map((row) => row.map((cell) => cell.text ?? '')) : [];
}
