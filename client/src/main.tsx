import { createRoot } from 'react-dom/client';
import { DebatePage } from './pages/DebatePage.tsx';
import { Lobby } from './pages/Lobby.tsx';
import { Replay } from './pages/Replay.tsx';
import { Results } from './pages/Results.tsx';
import { Link, match, useLocation } from './router.tsx';
import './styles.css';

function Page() {
  const { path, search } = useLocation();
  let m: Record<string, string> | null;
  if (path === '/' || path === '') return <Lobby />;
  if ((m = match('/debate/:id/:seat?', path))) return <DebatePage key={path} id={m.id!} seat={m.seat ?? 'observer'} token={search.get('token')} />;
  if ((m = match('/replay/:id', path))) return <Replay key={path} id={m.id!} />;
  if (path === '/results') return <Results search={search} />;
  return (
    <div>
      <h1>Not found</h1>
      <p>
        There is no page at {path}. <Link href="/">Go to the lobby</Link>.
      </p>
    </div>
  );
}

function App() {
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
        <Page />
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
