import type { ForkNode, ForkTree } from '@arena/shared';
import { Link } from '../router.tsx';

/**
 * A debate's branches as a tree (researchers: the replay opened with their token): the
 * root and every fork below it, each linked to its replay, the one shown marked.
 */
export function ForkTreeView({ tree, current, token }: { tree: ForkTree; current: string; token: string }) {
  if (tree.debates.length < 2) return null;
  const children = new Map<string, ForkNode[]>();
  for (const d of tree.debates) if (d.parent) children.set(d.parent.id, [...(children.get(d.parent.id) ?? []), d]);
  const root = tree.debates.find((d) => d.id === tree.root);
  if (!root) return null;
  const node = (d: ForkNode) => (
    <li key={d.id} data-testid="fork-node">
      {d.id === current ? (
        <strong aria-current="page">{d.id}</strong>
      ) : (
        <Link href={`/replay/${encodeURIComponent(d.id)}?token=${encodeURIComponent(token)}`}>{d.id}</Link>
      )}
      <span className="muted small">
        {' '}
        · {d.parent ? `forked at event ${d.parent.at}` : 'the original'} · {d.status}
        {d.outcome ? ` · judged ${d.outcome.correct ? 'correctly' : 'wrongly'}` : ''} · {Object.entries(d.seats).map(([seat, agent]) => `${seat}: ${agent ?? 'person'}`).join(', ')}
      </span>
      {(children.get(d.id) ?? []).length > 0 && <ul>{(children.get(d.id) ?? []).map(node)}</ul>}
    </li>
  );
  return (
    <section className="card fork-tree" aria-labelledby="forks-h">
      <h3 id="forks-h">Branches of this debate</h3>
      <ul>{node(root)}</ul>
    </section>
  );
}
