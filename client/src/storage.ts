/** localStorage that never throws (private modes, full quotas). */
export const store = {
  get<T>(key: string): T | null {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? null : (JSON.parse(raw) as T);
    } catch {
      return null;
    }
  },
  set(key: string, value: unknown): void {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // storage unavailable: the page still works, it just forgets on reload
    }
  },
  remove(key: string): void {
    try {
      localStorage.removeItem(key);
    } catch {
      // ignore
    }
  },
};

export const tokenKey = (debateId: string, seat: string) => `arena:token:${debateId}:${seat}`;
export const draftKey = (debateId: string, seat: string) => `arena:draft:${debateId}:${seat}`;
export const judgeDraftKey = (debateId: string) => `arena:judge:${debateId}`;
