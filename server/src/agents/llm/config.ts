import { z } from 'zod';

/** Which roles and evidence kinds a configured agent can play (defaults: its kind's). */
const Capabilities = {
  roles: z.array(z.enum(['debater', 'judge'])).min(1).optional(),
  evidence: z.array(z.enum(['passage', 'image'])).min(1).optional(),
};

/** One LLM agent: which endpoint, which model, how to sample. */
export const LlmAgentConfig = z
  .object({
    /** "openai" for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server); "anthropic" for Anthropic. */
    provider: z.enum(['openai', 'anthropic']),
    model: z.string().min(1),
    /** e.g. http://localhost:11434/v1 (Ollama), http://localhost:8000/v1 (vLLM), http://localhost:8080/v1 (llama.cpp). */
    baseURL: z.string().url().optional(),
    /** Name of the environment variable holding the API key (never the key itself). */
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name').optional(),
    temperature: z.number().min(0).max(2).default(0.7),
    maxTokens: z.number().int().positive().max(32000).default(800),
    /** Budget of one request, ms. */
    timeoutMs: z.number().int().positive().max(600_000).default(60_000),
    /** Most requests in flight to this agent's provider at once (batch self-play). */
    concurrency: z.number().int().positive().max(256).default(4),
    /** Debaters: draw this many speeches and keep the one `bestOfJudge` likes best for the debater's answer. */
    bestOf: z.number().int().min(1).max(16).default(1),
    /** An agent id (built-in or configured) that scores the candidates of best-of-N and of critique-and-refine. */
    bestOfJudge: z.string().default('builtin:passage-judge'),
    /** Debaters: rounds of critique-and-refine after the draft (the model critiques its draft, then rewrites it); 0 for none. */
    refineRounds: z.number().int().min(0).max(4).default(0),
    /** Folder with prompt templates overriding the built-in ones (same file names). */
    promptsDir: z.string().optional(),
    description: z.string().optional(),
    ...Capabilities,
  })
  .strict();
export type LlmAgentConfig = z.infer<typeof LlmAgentConfig>;

/** A built-in agent with its own options under a new id. */
export const BuiltinAgentConfig = z
  .object({
    builtin: z.enum(['passage-debater', 'passage-judge', 'random']),
    options: z.record(z.string(), z.number()).optional(),
    description: z.string().optional(),
    ...Capabilities,
  })
  .strict();
export type BuiltinAgentConfig = z.infer<typeof BuiltinAgentConfig>;

export const AgentConfig = z.union([LlmAgentConfig, BuiltinAgentConfig]);
export type AgentConfig = z.infer<typeof AgentConfig>;

/** agents.json: `{ "agents": { "<id>": { … } } }`. */
export const AgentsConfig = z
  .object({
    agents: z.record(
      z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, 'agent ids are letters, digits, ".", "_", "/" and "-"')
        .refine((id) => !id.startsWith('builtin'), 'ids starting with "builtin" are reserved'),
      AgentConfig,
    ),
  })
  .strict();
export type AgentsConfig = z.infer<typeof AgentsConfig>;
