import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { eventStreamSerdeProvider } from '@smithy/core/event-streams';
import type { EventStreamMarshaller, EventStreamSerdeProvider, Message } from '@smithy/types';
import { streamCutShort } from './errors.js';

/**
 * A frame (application/vnd.amazon.eventstream): total length and headers length (4-byte big-endian
 * integers), a CRC32 of those 8 bytes, the headers, the payload, and a CRC32 of all before it.
 */
const LENGTH_BYTES = 4;
const PRELUDE_BYTES = 12;
const FRAME_OVERHEAD = PRELUDE_BYTES + 4;
/** The header value type of a string: a 2-byte length, then UTF-8. */
const STRING_VALUE = 7;

const ascii = (text: string) => Uint8Array.from(text, (char) => char.charCodeAt(0));
const MESSAGE_TYPE = ascii(':message-type');
const EVENT_TYPE = ascii(':event-type');
const EVENT = ascii('event');
const CONTENT_BLOCK_DELTA = ascii('contentBlockDelta');

const utf8 = new TextDecoder();

function sameBytes(frame: Uint8Array, start: number, length: number, expected: Uint8Array): boolean {
  if (length !== expected.length) return false;
  for (let index = 0; index < length; index++) if (frame[start + index] !== expected[index]) return false;
  return true;
}

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

/**
 * The event a whole, intact frame of a plain-text `contentBlockDelta` makes, as the SDK would make
 * it; undefined for any other frame, and for a frame whose lengths or checksums are wrong (the SDK's
 * reader then reads it, and throws its own error). Only the two headers that name the event are
 * read, in place: the SDK's codec decodes every header name and value into strings and objects,
 * which cost more than the rest of reading a text delta (bench/load.ts).
 */
function textDeltaOf(frame: Uint8Array): { contentBlockDelta: object } | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (frame.length < FRAME_OVERHEAD || view.getUint32(0) !== frame.length) return undefined;
  const headersEnd = PRELUDE_BYTES + view.getUint32(LENGTH_BYTES);
  if (headersEnd > frame.length - 4) return undefined;
  if (crc32(frame.subarray(0, 8)) !== view.getUint32(8)) return undefined;
  if (crc32(frame.subarray(0, frame.length - 4)) !== view.getUint32(frame.length - 4)) return undefined;
  let isEvent = false;
  let isTextDelta = false;
  for (let at = PRELUDE_BYTES; at < headersEnd; ) {
    const nameLength = frame[at] ?? 0;
    const name = at + 1;
    const type = name + nameLength;
    if (type + 3 > headersEnd || frame[type] !== STRING_VALUE) return undefined;
    const valueLength = view.getUint16(type + 1);
    const value = type + 3;
    if (value + valueLength > headersEnd) return undefined;
    if (sameBytes(frame, name, nameLength, MESSAGE_TYPE)) {
      isEvent = sameBytes(frame, value, valueLength, EVENT);
    } else if (sameBytes(frame, name, nameLength, EVENT_TYPE)) {
      isTextDelta = sameBytes(frame, value, valueLength, CONTENT_BLOCK_DELTA);
    }
    at = value + valueLength;
  }
  if (!isEvent || !isTextDelta) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(utf8.decode(frame.subarray(headersEnd, frame.length - 4)));
  } catch {
    return undefined;
  }
  const delta = plainTextDelta(payload);
  // The same shape the SDK's deserializer makes of this event.
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
      // A length shorter than a frame's fixed parts cannot be split on: the SDK's reader rejects the frame.
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
 * together (bench/load.ts); a text delta here is two checksums and one JSON.parse, handed on by one
 * iterator. Every other frame (message start and stop, usage, reasoning, tool use, exceptions and
 * errors) goes through the SDK's own reader, so it yields, and throws, exactly what the SDK would.
 */
class ConverseEventMarshaller implements EventStreamMarshaller {
  constructor(private readonly sdk: EventStreamMarshaller) {}

  serialize: EventStreamMarshaller['serialize'] = (input, serializer) =>
    this.sdk.serialize(input, serializer);

  deserialize: EventStreamMarshaller['deserialize'] = <T>(
    body: AsyncIterable<Uint8Array>,
    deserializer: (input: Record<string, Message>) => Promise<T>,
  ): AsyncIterable<T> => ({
    [Symbol.asyncIterator]: () =>
      new EventReader<T>(body instanceof Readable ? body : Readable.from(body), (frame) =>
        this.sdk.deserialize(oneChunk(frame), deserializer)[Symbol.asyncIterator](),
      ),
  });
}

/** Events read ahead of the reader before the body is paused. */
const READ_AHEAD = 64;

/**
 * The events of one body, read from its `data` events: an async generator over the body's own async
 * iterator costs two more layers of promises for every event, the most frequent thing the app does
 * (bench/load.ts). Frames are decoded as they arrive; a text delta is queued as its event, any other
 * frame as itself, for the SDK's reader when its turn comes. A body that closes before it ended
 * fails the read, as one that errs does: an answer cut short never passes for a whole one.
 */
class EventReader<T> implements AsyncIterator<T> {
  private readonly frames = new FrameSplitter();
  /** What arrived and was not taken yet: events, and frames for the SDK's reader. */
  private readonly queued: (T | Uint8Array)[] = [];
  private taken = 0;
  /** The SDK's reader of the frame being read. */
  private sdkEvents: AsyncIterator<T> | undefined;
  private failure: unknown;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly body: Readable,
    private readonly readBySdk: (frame: Uint8Array) => AsyncIterator<T>,
  ) {
    body.on('data', (chunk: Uint8Array) => {
      for (const frame of this.frames.push(chunk)) this.queued.push((textDeltaOf(frame) as T) ?? frame);
      if (this.queued.length - this.taken > READ_AHEAD) body.pause();
      this.wakeReader();
    });
    body.once('end', () => {
      this.ended = true;
      this.wakeReader();
    });
    body.once('error', (error) => this.fail(error));
    body.once('close', () => {
      if (!this.ended) this.fail(streamCutShort('The answer’s connection closed before the answer ended.'));
    });
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.wakeReader();
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.sdkEvents) {
        const event = await this.sdkEvents.next();
        if (!event.done) return event;
        this.sdkEvents = undefined;
      }
      if (this.taken < this.queued.length) {
        const item = this.queued[this.taken++] as T | Uint8Array;
        if (this.taken === this.queued.length) this.drained();
        // Events are plain objects: only a frame left for the SDK is bytes.
        if (!(item instanceof Uint8Array)) return { value: item, done: false };
        this.sdkEvents = this.readBySdk(item);
        continue;
      }
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) {
        if (this.frames.truncated) throw new Error('Truncated event message received.');
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** The reader left early: the body is ended, so its connection is not kept until Bedrock finishes. */
  async return(): Promise<IteratorResult<T>> {
    this.body.destroy();
    return { value: undefined, done: true };
  }

  /** Everything queued was taken: the queue is emptied in place, not made anew for every event. */
  private drained(): void {
    this.queued.length = 0;
    this.taken = 0;
    if (this.body.isPaused() && !this.ended) this.body.resume();
  }
}

async function* oneChunk(frame: Uint8Array): AsyncIterable<Uint8Array> {
  yield frame;
}

/** For the runtime client's `eventStreamSerdeProvider`: the SDK's own marshaller behind the fast path. */
export const converseEventStreams: EventStreamSerdeProvider = (options) =>
  new ConverseEventMarshaller(eventStreamSerdeProvider(options));
