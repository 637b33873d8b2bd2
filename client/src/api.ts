import type { DebateSummary, DebateView, PresetEntry, ScenarioSummary, TranscriptRecord } from '@arena/shared';

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

/** An interval as the report gives it (JSON null where it has no value). */
export interface Interval {
  low: number | null;
  high: number | null;
}

export interface CalibrationBinOut {
  low: number;
  high: number;
  n: number;
  meanProbability: number | null;
  frequency: number | null;
}

/** One protocol's row of the report (server/src/report: the same numbers as `arena report`). */
export interface ResultsRow {
  preset: string;
  n: number;
  judges: number;
  questions: number;
  ties: number;
  accuracy: Interval & { successes: number; n: number; rate: number | null };
  accuracyCluster: Interval;
  balanced: (Interval & { rate: number | null; cluster: Interval; honest: { n: number; rate: number | null }; dishonest: { n: number; rate: number | null } }) | null;
  meanJudgeScore: number | null;
  brier: number | null;
  ece: number | null;
  bins: CalibrationBinOut[];
}

/** Debater ratings of one protocol (server/src/report/ratings.ts); Elo scale, null where a role was not played. */
export interface DebaterRatingsOut {
  preset: string;
  debates: number;
  crossPlay: number;
  selfPlay: number;
  honestWins: Interval & { estimate: number | null };
  agents: { agent: string; debates: number; identified?: boolean; elo: number | null; eloHonest: number | null; eloDishonest: number | null; low: number | null; high: number | null; winRate: number | null }[];
}

export interface Results {
  total: number;
  report: {
    debates: number;
    finished: number;
    ties: number;
    byProtocol: ResultsRow[];
    comparisons: { a: string; b: string; rooms: { label: string }; scoring: string; paired: boolean; questions: number; excluded: number; difference: number | null; normal: Interval; cluster: Interval }[];
    balance: { preset: string; debates: number; questions: number; honest: number; dishonest: number; correctFirst: number; correctLater: number; balancedQuestions: number }[];
    ratings: DebaterRatingsOut[];
    tieRule: string;
    method: string;
  };
  packs: string[];
  sources: string[];
  agents: string[];
}

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
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

function withToken(token: string | undefined): RequestInit | undefined {
  return token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
}

export const api = {
  scenarios: () => request<{ publicLobby: boolean; packs: unknown[]; scenarios: ScenarioSummary[] }>('/api/scenarios'),
  presets: () => request<{ presets: PresetEntry[]; agents: string[] }>('/api/presets'),
  debates: (query = '') => request<{ total: number; debates: DebateSummary[] }>(`/api/debates${query}`),
  debate: (id: string) => request<DebateSummary & { question: string; seats: Record<string, { kind: string; agent: string | null; open: boolean; claimed: boolean }> }>(`/api/debates/${encodeURIComponent(id)}`),
  create: (body: { scenarioId: string; preset: string; seats: Record<string, SeatRequest> }) =>
    request<CreatedDebate>('/api/debates', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  /** A token (a seat's, or the researcher's) opens a private debate's replay to those the access policy allows. */
  judgeSteps: (id: string, token?: string) =>
    request<{ debateId: string; seat: string; status: string; steps: DebateView[] }>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=judge`, withToken(token)),
  full: (id: string, token?: string) => request<TranscriptRecord>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=full`, withToken(token)),
  results: (query: string) => request<Results>(`/api/results${query}`),
};
