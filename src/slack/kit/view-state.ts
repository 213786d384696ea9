import type { ViewStateValue } from '@slack/bolt';

export type ViewValues = Record<string, Record<string, ViewStateValue>>;

/** A form field's text or selected option, trimmed; a blank field reads as undefined. */
export function field(values: ViewValues, blockId: string): string | undefined {
  const state = values[blockId]?.value;
  const text = (state?.selected_option?.value ?? state?.value ?? '').trim();
  return text === '' ? undefined : text;
}

/** The values of a multi-select or checkboxes field. */
export function selected(values: ViewValues, blockId: string): string[] {
  return (values[blockId]?.value?.selected_options ?? []).map((option) => option.value);
}
