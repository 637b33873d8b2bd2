import type {
  ApiErrorBody,
  CreateDebateRequest,
  CreatedDebate,
  DebateDetail,
  DebatesResponse,
  ForkTree,
  FullTranscriptResponse,
  PresetsResponse,
  ResultsResponse,
  ScenariosResponse,
  SeatStepsResponse,
  StudiesResponse,
  StudyEntered,
  StudyEntryRequest,
  StudyParticipantAction,
  StudyParticipantDetail,
  StudyParticipantPage,
  StudySteer,
  StudyStatusResponse,
  StudyTicket,
} from '@arena/shared';

/** The API's types live in @arena/shared (protocol/http.ts): the server answers with them. */
export type { CalibrationBinOut, CreatedDebate, DebateSummary, ResultsResponse as Results, SeatRequest, StudyParticipantPage, StudyProgress } from '@arena/shared';

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
    const error = body && typeof body === 'object' && 'error' in body ? String((body as ApiErrorBody).error) : '';
    const message = error || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, message);
  }
  return body as T;
}

function withToken(token: string | undefined): RequestInit | undefined {
  return token ? { headers: { authorization: `Bearer ${token}` } } : undefined;
}

const json = (method: 'POST', body: unknown, token?: string): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify(body),
});

const study = (id: string) => `/api/studies/${encodeURIComponent(id)}`;

export const api = {
  scenarios: () => request<ScenariosResponse>('/api/scenarios'),
  presets: () => request<PresetsResponse>('/api/presets'),
  debates: (query = '') => request<DebatesResponse>(`/api/debates${query}`),
  debate: (id: string) => request<DebateDetail>(`/api/debates/${encodeURIComponent(id)}`),
  create: (body: CreateDebateRequest) => request<CreatedDebate>('/api/debates', json('POST', body)),
  /** A token (a seat's, or the researcher's) opens a private debate's replay to those the access policy allows. */
  judgeSteps: (id: string, token?: string) => request<SeatStepsResponse>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=judge`, withToken(token)),
  /** A debate's fork tree: researchers only (their token). */
  forks: (id: string, token: string) => request<ForkTree>(`/api/debates/${encodeURIComponent(id)}/forks`, withToken(token)),
  full: (id: string, token?: string) => request<FullTranscriptResponse>(`/api/debates/${encodeURIComponent(id)}/transcript?seat=full`, withToken(token)),
  results: (query: string) => request<ResultsResponse>(`/api/results${query}`),

  /** A participant arrives by the panel's link: its study token. */
  enterStudy: (id: string, entry: StudyEntryRequest) => request<StudyEntered>(`${study(id)}/enter`, json('POST', entry)),
  /** The participant's page now (also how the server knows the participant is still here). */
  studyPage: (id: string, token: string) => request<StudyParticipantPage>(`${study(id)}/me`, withToken(token)),
  /** Acts on the participant's page; the answer is the page after it. */
  studyAct: (id: string, token: string, action: StudyParticipantAction, body: unknown = {}) => request<StudyParticipantPage>(`${study(id)}/me/${action}`, json('POST', body, token)),

  studies: (token: string) => request<StudiesResponse>('/api/studies', withToken(token)),
  studyTicket: (id: string, token: string) => request<StudyTicket>(`${study(id)}/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
  studyParticipant: (id: string, participant: string, token: string) => request<StudyParticipantDetail>(`${study(id)}/participants/${encodeURIComponent(participant)}`, withToken(token)),
  steerStudy: (id: string, action: StudySteer, token: string) => request<StudyStatusResponse>(`${study(id)}/${action}`, json('POST', {}, token)),
  /** The live progress stream and the downloads cannot carry a header: a ticket opens them. */
  studyEventsUrl: (id: string, ticket: string) => `${study(id)}/events?ticket=${encodeURIComponent(ticket)}`,
  studyExportUrl: (id: string, file: string, ticket: string) => `${study(id)}/export/${file}?ticket=${encodeURIComponent(ticket)}`,
};
