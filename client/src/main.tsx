import './no-eval.ts';
import { Suspense, useEffect, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { Loading } from './components/common.tsx';
import { Lobby } from './pages/Lobby.tsx';
import { lazyPage } from './lazy-page.tsx';
import { Link, match, useLocation } from './router.tsx';
import './styles.css';

// Pages load on demand: the lobby needs neither the room SDK nor the engine.
const debatePage = lazyPage(() => import('./pages/DebatePage.tsx'));
const replayPage = lazyPage(() => import('./pages/Replay.tsx'));
const studyPage = lazyPage(() => import('./pages/StudyPage.tsx'));
const dashboardPage = lazyPage(() => import('./pages/StudyDashboard.tsx'));
const resultsPage = lazyPage(() => import('./pages/Results.tsx'));
const DebatePage = debatePage.component('DebatePage');
const Replay = replayPage.component('Replay');
const StudyPage = studyPage.component('StudyPage');
const StudyList = dashboardPage.component('StudyList');
const StudyDashboard = dashboardPage.component('StudyDashboard');
const Results = resultsPage.component('Results');

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

/** After a move to another page in the browser, focus goes to the new page's heading (its title is the page's own). */
function useFocusOnNavigation(path: string) {
  const last = useRef(path);
  useEffect(() => {
    if (last.current === path) return;
    last.current = path;
    let tries = 0;
    // The page may still be loading its code: look for its heading for up to two seconds.
    const timer = setInterval(() => {
      const heading = document.querySelector<HTMLElement>('#main h1');
      if (heading || ++tries > 40) clearInterval(timer);
      if (!heading) return;
      heading.tabIndex = -1;
      heading.focus();
    }, 50);
    return () => clearInterval(timer);
  }, [path]);
}

function App() {
  const { path } = useLocation();
  useFocusOnNavigation(path);
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

// The page a link opens is loaded before the first render (its chunks are already preloaded by
// index.html), so it renders at once: no Suspense fallback, whose reveal React holds for a few
// hundred milliseconds, stands between the page and the room join it starts.
const first = location.pathname;
await (first.startsWith('/debate/') ? debatePage : first.startsWith('/s/') ? studyPage : first.startsWith('/replay/') ? replayPage : first === '/results' ? resultsPage : first.startsWith('/studies') ? dashboardPage : null)
  ?.load()
  .catch(() => undefined);
createRoot(document.getElementById('root')!).render(<App />);
