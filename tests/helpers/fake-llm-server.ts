import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake server does with one request. */
export type FakeReply =
  | { kind: 'text'; text: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers (the connection stays open until the client gives up or the server closes). */
  | { kind: 'hang' };

export interface RecordedRequest {
  api: 'openai' | 'anthropic';
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The user message's text. */
  prompt: string;
  at: number;
}

export interface FakeLlmServer {
  url: string;
  /** baseURL for the OpenAI SDK (it appends /chat/completions). */
  openaiBaseURL: string;
  /** baseURL for the Anthropic SDK (it appends /v1/messages). */
  anthropicBaseURL: string;
  requests: RecordedRequest[];
  /** Replies used, in order, before falling back to the default responder. */
  enqueue(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function userText(api: 'openai' | 'anthropic', body: Record<string, unknown>): string {
  const messages = (body.messages ?? []) as { role: string; content: unknown }[];
  const user = messages.filter((m) => m.role === 'user').at(-1);
  if (!user) return '';
  if (typeof user.content === 'string') return user.content;
  if (Array.isArray(user.content)) return user.content.map((c: { text?: string }) => c.text ?? '').join('');
  return api;
}

/**
 * A sensible default: judges (prompts asking for JSON probabilities) get a JSON answer
 * favouring answer 1; debaters get a speech quoting the first sentence of the <story>.
 */
export function defaultResponder(prompt: string): string {
  if (/Reply with JSON only/.test(prompt)) {
    const letters = [...prompt.matchAll(/^([1-4])\. /gm)].map((m) => m[1] as string);
    const n = Math.max(2, letters.length);
    const probs = Object.fromEntries(letters.map((l, i) => [l, i === 0 ? 1 - (n - 1) * 0.2 : 0.2]));
    return JSON.stringify({ probabilities: probs, end: true, comment: 'Weighed the verified quotes.' });
  }
  const story = /<story>\n?([\s\S]*?)<\/story>/.exec(prompt)?.[1] ?? '';
  const first = story.split(/(?<=[.!?])\s+/)[0]?.trim() ?? '';
  const words = first.split(/\s+/).slice(0, 12).join(' ');
  return `My answer is right. The story says <quote>${words}</quote>, which settles it.`;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * A real HTTP server on 127.0.0.1, port 0, speaking enough of OpenAI's chat-completions
 * API and Anthropic's messages API for the official SDKs: text replies with token usage,
 * error statuses (429 with Retry-After, 5xx) and requests that never get an answer.
 */
export async function startFakeLlmServer(
  respond: (prompt: string, req: RecordedRequest) => string = defaultResponder,
  options: { delayMs?: number } = {},
): Promise<FakeLlmServer> {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const api = path.endsWith('/chat/completions') ? 'openai' : path.endsWith('/v1/messages') ? 'anthropic' : null;
    if (req.method !== 'POST' || !api) return send(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'invalid JSON' } });
    }
    const recorded: RecordedRequest = { api, path, headers: req.headers, body, prompt: userText(api, body), at: Date.now() };
    requests.push(recorded);
    const reply: FakeReply = queue.shift() ?? { kind: 'text', text: respond(recorded.prompt, recorded) };
    // A model that takes its time (a slow local model): the answer comes after a delay.
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    if (reply.kind === 'hang') return; // keep the socket open, answer nothing
    if (reply.kind === 'status') {
      const err = api === 'openai' ? { error: { message: `fake status ${reply.status}`, type: 'fake' } } : { type: 'error', error: { type: 'fake', message: `fake status ${reply.status}` } };
      return send(res, reply.status, reply.body ?? err, reply.headers);
    }
    const tokensIn = Math.ceil(recorded.prompt.length / 4);
    const tokensOut = Math.ceil(reply.text.length / 4);
    const model = String(body.model ?? 'fake-model');
    if (api === 'openai') {
      return send(res, 200, {
        id: `chatcmpl-${requests.length}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: reply.text, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: tokensIn, completion_tokens: tokensOut, total_tokens: tokensIn + tokensOut },
      });
    }
    return send(res, 200, {
      id: `msg_${requests.length}`,
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: reply.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: tokensIn, output_tokens: tokensOut },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseURL: `${url}/v1`,
    anthropicBaseURL: url,
    requests,
    enqueue: (...replies) => void queue.push(...replies),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
