import type { DebateSummary, DebateView, PRESETS, ScenarioSummary, TranscriptRecord } from '@arena/shared';

/** Rows of GET /api/debates. */
export type { DebateSummary };

export interface CreatedDebate {
  id: string;
  preset: string;
  seats: Record<string, { kind: string; open: boolean; token?: string; path?: string }>;
  observerPath: string;
}

export interface SeatRequest {
  kind: 'human' | 'agent';
  agent?: string;
  open?: boolean;
}

export interface ResultsRow {
  preset: string;
  n: number;
  correct: number;
  accuracy: number | null;
  low: number;
  high: number;
  meanJudgeScore: number | null;
}

export interface CalibrationBinOut {
  low: number;
  high: number;
  n: number;
  meanProbability: number | null;
  frequency: number | null;
}

export interface Results {
  total: number;
  byProtocol: ResultsRow[];
  calibration: { bins: CalibrationBinOut[]; ece: number | null; points: number };
  packs: string[];
  sources: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  if (!res.ok) {
    const error = body && typeof body === 'object' && 'error' in body ? String((body as { error: unknown }).error) : '';
    const message = error || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

export const api = {
  scenarios: () => request<{ packs: unknown[]; scenarios: ScenarioSummary[] }>('/api/scenarios'),
  presets: () => request<{ presets: typeof PRESETS; agents: string[] }>('/api/presets'),
  debates: (query = '') => request<{ total: number; debates: DebateSummary[] }>(`/api/debates${query}`),
  debate: (id: string) => request<DebateSummary & { question: string; seats: Record<string, { kind: string; agent: string | null; open: boolean; claimed: boolean }> }>(`/api/debates/${encodeURIComponent(id)}`),
  create: (body: { scenarioId: string; preset: string; seats: Record<string, SeatRequest> }) =>
    request<CreatedDebate>('/api/debates', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  judgeSteps: (id: string) =>
    request<{ debateId: string; seat: string; status: string; steps: DebateView[] }>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=judge`),
  full: (id: string) => request<TranscriptRecord>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=full`),
  results: (query: string) => request<Results>(`/api/results${query}`),
};
