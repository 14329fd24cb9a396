// A minimal text/event-stream reader (the WHATWG format: `event:`/`data:` lines, blank line ends an event).

export interface ServerSentEvent {
  readonly event: string;
  readonly data: string;
}

/**
 * The events of a stream of bytes (a node:http response, or a web ReadableStream). Stops when the
 * stream ends; aborting `signal` ends it too (whoever made the request destroys it on abort).
 */
export async function* readServerSentEvents(
  body: AsyncIterable<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const value of body) {
    if (signal?.aborted) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) yield { event, data: data.join('\n') };
    }
  }
}
