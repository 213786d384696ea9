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

type FeedbackElement = {
  type: string;
  action_id: string;
  positive_button: { value: string };
  negative_button: { value: string };
};

/** The feedback buttons of a message, in order: each one's action ID and its 👍 and 👎 values. */
export function feedbackButtons(blocks: unknown): { actionId: string; up: string; down: string }[] {
  return ((blocks as { type: string; elements?: FeedbackElement[] }[]) ?? [])
    .filter((block) => block.type === 'context_actions')
    .flatMap((block) => block.elements ?? [])
    .filter((element) => element.type === 'feedback_buttons')
    .map((element) => ({
      actionId: element.action_id,
      up: element.positive_button.value,
      down: element.negative_button.value,
    }));
}
