// slackify-markdown 4.5.0 (pinned) builds its unified pipeline from these two modules; toMrkdwn
// builds the same pipeline once instead of on every call.
declare module 'slackify-markdown/src/slackify.js' {
  import type { Options } from 'remark-stringify';

  type Definitions = Record<string, { title: null | string; url: string }>;
  const slackifyOptions: (definitions: Definitions) => Options;
  export default slackifyOptions;
}

declare module 'slackify-markdown/src/definitions.js' {
  import type { Plugin } from 'unified';

  type Definitions = Record<string, { title: null | string; url: string }>;
  export const collectDefinitions: Plugin<[Definitions]>;
  export const removeDefinitions: Plugin<[]>;
}
