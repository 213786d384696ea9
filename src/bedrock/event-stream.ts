import { eventStreamSerdeProvider } from '@smithy/core/event-streams';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import type { EventStreamMarshaller, EventStreamSerdeProvider, Message } from '@smithy/types';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';

/** An event stream frame starts with its total length: a 4-byte big-endian integer. */
const LENGTH_BYTES = 4;
const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * The text of a `contentBlockDelta` event's JSON payload, when the delta is plain text and nothing
 * else (Bedrock pads the payload with a `p` field, which the SDK drops too); undefined otherwise.
 */
function plainTextDelta(payload: unknown): { contentBlockIndex: number; text: string } | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { contentBlockIndex, delta } = payload as { contentBlockIndex?: unknown; delta?: unknown };
  if (typeof contentBlockIndex !== 'number' || typeof delta !== 'object' || delta === null) return undefined;
  const { text } = delta as { text?: unknown };
  if (typeof text !== 'string') return undefined;
  for (const key in delta) if (key !== 'text') return undefined;
  return { contentBlockIndex, text };
}

function decodeTextDelta(message: Message): { contentBlockDelta: object } | undefined {
  if (message.headers[':message-type']?.value !== 'event') return undefined;
  if (message.headers[':event-type']?.value !== 'contentBlockDelta') return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(toUtf8(message.body));
  } catch {
    return undefined;
  }
  const delta = plainTextDelta(payload);
  return (
    delta && {
      contentBlockDelta: { delta: { text: delta.text }, contentBlockIndex: delta.contentBlockIndex },
    }
  );
}

/** Splits a body's chunks into whole frames, whatever the chunk boundaries. */
class FrameSplitter {
  private pending: Uint8Array | undefined;

  /** Every whole frame the chunk completes, in order; a partial frame waits for the next chunk. */
  push(chunk: Uint8Array): Uint8Array[] {
    let bytes = chunk;
    if (this.pending) {
      bytes = new Uint8Array(this.pending.length + chunk.length);
      bytes.set(this.pending);
      bytes.set(chunk, this.pending.length);
      this.pending = undefined;
    }
    const frames: Uint8Array[] = [];
    let offset = 0;
    while (bytes.length - offset >= LENGTH_BYTES) {
      const length = new DataView(bytes.buffer, bytes.byteOffset + offset, LENGTH_BYTES).getUint32(0, false);
      // A length shorter than a frame's fixed parts cannot be split on: the codec rejects the frame.
      const take = Math.max(length, LENGTH_BYTES);
      if (bytes.length - offset < take) break;
      frames.push(bytes.subarray(offset, offset + take));
      offset += take;
    }
    if (offset < bytes.length) this.pending = bytes.slice(offset);
    return frames;
  }

  /** Whether a frame was cut short when the body ended. */
  get truncated(): boolean {
    return this.pending !== undefined;
  }
}

/**
 * The SDK's event stream reader, with a fast path for the one event a streamed answer is made of:
 * a `contentBlockDelta` of plain text. The SDK reads every event through three async generators and
 * a schema-driven deserializer, which cost more CPU per streamed token than the rest of the app
 * together (bench/load.ts); a text delta here is one codec decode (checksums included) and one
 * JSON.parse. Every other frame (message start and stop, usage, reasoning, tool use, exceptions and
 * errors) goes through the SDK's own reader, so it yields, and throws, exactly what the SDK would.
 */
class ConverseEventMarshaller implements EventStreamMarshaller {
  constructor(private readonly sdk: EventStreamMarshaller) {}

  serialize: EventStreamMarshaller['serialize'] = (input, serializer) =>
    this.sdk.serialize(input, serializer);

  deserialize: EventStreamMarshaller['deserialize'] = <T>(
    body: AsyncIterable<Uint8Array>,
    deserializer: (input: Record<string, Message>) => Promise<T>,
  ): AsyncIterable<T> => {
    const sdk = this.sdk;
    return {
      async *[Symbol.asyncIterator]() {
        const frames = new FrameSplitter();
        for await (const chunk of body) {
          for (const frame of frames.push(chunk)) {
            const fast = decodeTextDelta(codec.decode(frame));
            if (fast) {
              // The same shape the SDK's deserializer makes of this event.
              yield fast as T;
              continue;
            }
            for await (const event of sdk.deserialize(oneChunk(frame), deserializer)) yield event as T;
          }
        }
        if (frames.truncated) throw new Error('Truncated event message received.');
      },
    };
  };
}

async function* oneChunk(frame: Uint8Array): AsyncIterable<Uint8Array> {
  yield frame;
}

/** For the runtime client's `eventStreamSerdeProvider`: the SDK's own marshaller behind the fast path. */
export const converseEventStreams: EventStreamSerdeProvider = (options) =>
  new ConverseEventMarshaller(eventStreamSerdeProvider(options));
