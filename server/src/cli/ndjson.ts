/** Reads a streamed JSON Lines answer (the server's batch routes), one parsed object per line. */
export async function readJsonLines(body: ReadableStream<Uint8Array>, onLine: (message: Record<string, any>) => void): Promise<void> {
  let buffer = '';
  for await (const chunk of body.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const l of lines.filter(Boolean)) onLine(JSON.parse(l) as Record<string, any>);
  }
}
