/**
 * What a participant's page shows: their stage and nothing else (the consent text, the
 * instructions, their current item's seat, the lobby, or the end with its code). Built
 * from what is stored; building it writes nothing.
 */
import MarkdownIt from 'markdown-it';
import { codeFor, COMPREHENSION_TRIES, redirectFor, waitlistSeconds } from './spec.ts';
import { quizMisses } from './stages.ts';
import type { ItemRow, ParticipantRow, StudyRow } from './study-store.ts';
import type { ParticipantPage } from './study-types.ts';

// Raw HTML in the researcher's Markdown is shown as text, never run.
const markdown = new MarkdownIt({ html: false, linkify: false });

/** The participant's current item, or none (not at items, or past the last). */
export const currentItemOf = (p: ParticipantRow, items: readonly ItemRow[]): ItemRow | undefined => (p.stage === 'items' ? items[p.position] : undefined);

/** The seat a participant's current item gives them: a recruited debater's seat in their debate, else the judge's. */
export const seatOf = (item: ItemRow): string => (item.kind === 'debate' ? (item.seat ?? 'A') : 'judge');

/** The page of participant `p` of study `row`; `seatToken` is the token of their current item's seat ('' while it has no debate). */
export function participantPage(row: StudyRow, p: ParticipantRow, items: readonly ItemRow[], seatToken: string): ParticipantPage {
  const spec = row.spec;
  const base = { study: { id: row.id, title: spec.title }, stage: p.stage };
  switch (p.stage) {
    case 'consent':
      return { ...base, consentHtml: markdown.render(spec.consent) };
    case 'instructions': {
      const page: ParticipantPage = { ...base, role: p.role, instructionsHtml: markdown.render(p.role === 'debater' ? (spec.humanDebaters?.instructions ?? spec.instructions) : spec.instructions) };
      const quiz = p.role === 'judge' ? (spec.comprehension ?? []) : [];
      // On the waitlist: the page says so, and moves on by itself when a place comes back.
      if (p.role === 'judge' && p.waitingSince !== null) page.lobby = { waitingSince: p.waitingSince, waitSeconds: waitlistSeconds(spec), canLeave: false };
      else if (quiz.length) page.quiz = { questions: quiz.map((q) => ({ question: q.question, answers: q.answers })), triesLeft: COMPREHENSION_TRIES - quizMisses(p), missed: quizMisses(p) > 0 };
      return page;
    }
    case 'lobby':
    case 'items': {
      const item = currentItemOf(p, items);
      // A recruited debater waiting for a judge: they may leave at any time.
      if (!item) return { ...base, role: p.role, lobby: { waitingSince: p.waitingSince, canLeave: p.stage === 'lobby' } };
      const total = item.kind === 'debate' ? items.length : items.filter((i) => i.kind !== 'debate').length;
      const waiting = item.kind !== 'debate' && !item.debateId && p.waitingSince !== null;
      return {
        ...base,
        role: p.role,
        feedback: spec.feedback ?? 'afterEach',
        blockPaste: spec.integrity?.blockPaste ?? false,
        ...(item.kind === 'item' && spec.postItemQuestions?.length ? { questions: { set: spec.postItemQuestions, answered: !!item.answers } } : {}),
        item: { position: item.position + 1, total, kind: item.kind, status: item.status, debateId: item.debateId, token: item.debateId ? seatToken : '', seat: seatOf(item) },
        ...(waiting ? { lobby: { waitingSince: p.waitingSince, waitSeconds: spec.humanDebaters?.lobbySeconds ?? 0, canLeave: false } } : {}),
      };
    }
    case 'done': {
      const code = p.outcome ? codeFor(spec, p.outcome) : null;
      return { ...base, end: p.outcome && code ? { outcome: p.outcome, code, redirect: redirectFor(spec, code) } : null };
    }
  }
}
