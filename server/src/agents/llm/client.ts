import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { LlmAgentConfig } from './config.ts';

export interface Completion {
  text: string;
  tokensIn: number | null;
  tokensOut: number | null;
  model: string;
}

export interface CompletionRequest {
  system: string;
  user: string;
  signal: AbortSignal;
}

/** The one call LLM agents make: a system and a user message in, text out. */
export interface ChatClient {
  readonly provider: LlmAgentConfig['provider'];
  complete(request: CompletionRequest): Promise<Completion>;
}

/** The API key named by the configuration, or a placeholder for local servers that ignore it. */
function apiKey(config: LlmAgentConfig, env: NodeJS.ProcessEnv): string {
  if (!config.apiKeyEnv) return 'not-needed';
  const key = env[config.apiKeyEnv];
  if (!key) throw new Error(`the environment variable ${config.apiKeyEnv} (the API key for ${config.provider} model ${config.model}) is not set`);
  return key;
}

/**
 * A client on the official SDK for the configured provider. The SDKs' own retries are
 * off (maxRetries: 0): the agent driver retries transient errors itself, within the
 * turn's budget, and records them.
 */
export function chatClient(config: LlmAgentConfig, env: NodeJS.ProcessEnv = process.env): ChatClient {
  const key = apiKey(config, env);
  if (config.provider === 'openai') {
    const client = new OpenAI({ apiKey: key, baseURL: config.baseURL ?? null, timeout: config.timeoutMs, maxRetries: 0 });
    return {
      provider: 'openai',
      async complete({ system, user, signal }) {
        const res = await client.chat.completions.create(
          {
            model: config.model,
            messages: [
              { role: 'system', content: system },
              { role: 'user', content: user },
            ],
            temperature: config.temperature,
            max_tokens: config.maxTokens,
          },
          { signal },
        );
        return {
          text: res.choices[0]?.message?.content ?? '',
          tokensIn: res.usage?.prompt_tokens ?? null,
          tokensOut: res.usage?.completion_tokens ?? null,
          model: res.model ?? config.model,
        };
      },
    };
  }
  // Anthropic's current Messages API takes no sampling temperature; `temperature` applies to OpenAI-compatible endpoints.
  const client = new Anthropic({ apiKey: key, baseURL: config.baseURL ?? null, timeout: config.timeoutMs, maxRetries: 0 });
  return {
    provider: 'anthropic',
    async complete({ system, user, signal }) {
      const res = await client.messages.create(
        {
          model: config.model,
          max_tokens: config.maxTokens,
          system,
          messages: [{ role: 'user', content: user }],
        },
        { signal },
      );
      const text = res.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
      return { text, tokensIn: res.usage?.input_tokens ?? null, tokensOut: res.usage?.output_tokens ?? null, model: res.model ?? config.model };
    },
  };
}
