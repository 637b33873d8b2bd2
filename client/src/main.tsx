import './no-eval.ts';
import { lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { Loading } from './components/common.tsx';
import { Lobby } from './pages/Lobby.tsx';
import { Link, match, useLocation } from './router.tsx';
import './styles.css';

// Pages load on demand: the lobby needs neither the room SDK nor the engine.
const DebatePage = lazy(() => import('./pages/DebatePage.tsx').then((m) => ({ default: m.DebatePage })));
const Replay = lazy(() => import('./pages/Replay.tsx').then((m) => ({ default: m.Replay })));
const StudyPage = lazy(() => import('./pages/StudyPage.tsx').then((m) => ({ default: m.StudyPage })));
const StudyList = lazy(() => import('./pages/StudyDashboard.tsx').then((m) => ({ default: m.StudyList })));
const StudyDashboard = lazy(() => import('./pages/StudyDashboard.tsx').then((m) => ({ default: m.StudyDashboard })));
const Results = lazy(() => import('./pages/Results.tsx').then((m) => ({ default: m.Results })));

function Page() {
  const { path, search } = useLocation();
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <Lobby />;
  if ((m = match('/debate/:id/:seat?', path))) return <DebatePage key={path} id={m.id!} seat={m.seat ?? 'observer'} token={search.get('token')} />;
  if ((m = match('/replay/:id', path))) return <Replay key={path} id={m.id!} />;
  if (path === '/results') return <Results search={search} />;
  if (path === '/studies') return <StudyList />;
  if ((m = match('/studies/:id', path))) return <StudyDashboard key={path} id={m.id!} />;
  return (
    <div>
      <h1>Not found</h1>
      <p>
        There is no page at {path}. <Link href="/">Go to the lobby</Link>.
      </p>
    </div>
  );
}

/** A participant's study pages stand alone: no navigation, no way to the lobby, results or replays. */
function StudyApp() {
  const { path, search } = useLocation();
  const m = match('/s/:id', path);
  return (
    <main id="main">
      <Suspense fallback={<Loading what="the study" />}>{m ? <StudyPage key={m.id} studyId={m.id!} search={search} /> : null}</Suspense>
    </main>
  );
}

function App() {
  if (location.pathname.startsWith('/s/')) return <StudyApp />;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="top" aria-label="Main">
        <Link href="/" className="brand">
          ⚖ Oversight Arena
        </Link>
        <Link href="/">Lobby</Link>
        <Link href="/results">Results</Link>
      </nav>
      <main id="main">
        <Suspense fallback={<Loading what="the page" />}>
          <Page />
        </Suspense>
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
