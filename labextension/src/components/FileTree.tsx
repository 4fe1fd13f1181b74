import { fileIcon, folderIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

interface INode {
  name: string;
  /** Set for files: the path relative to the package root. */
  path: string | null;
  children: INode[];
}

/** Sorted relative paths ("src/pkg/a.py") as a tree, folders before files. */
export function buildTree(paths: readonly string[]): INode[] {
  const root: INode = { name: '', path: null, children: [] };
  for (const path of paths) {
    let node = root;
    const parts = path.split('/').filter(Boolean);
    parts.forEach((part, i) => {
      const isFile = i === parts.length - 1;
      let child = node.children.find(c => c.name === part && (c.path !== null) === isFile);
      if (!child) {
        child = { name: part, path: isFile ? path : null, children: [] };
        node.children.push(child);
      }
      node = child;
    });
  }
  const sort = (nodes: INode[]): INode[] =>
    nodes
      .sort((a, b) =>
        (a.path === null) !== (b.path === null)
          ? a.path === null
            ? -1
            : 1
          : a.name < b.name
            ? -1
            : 1
      )
      .map(n => ({ ...n, children: sort(n.children) }));
  return sort(root.children);
}

function Branch(props: {
  nodes: INode[];
  depth: number;
  onOpen: (path: string) => void;
}): JSX.Element {
  return (
    <ul className="nb2prod-tree" aria-label={props.depth === 0 ? 'Package files' : undefined}>
      {props.nodes.map(node => (
        <li key={node.name}>
          {node.path === null ? (
            <>
              <span className="nb2prod-tree-folder">
                <folderIcon.react tag="span" className="nb2prod-tree-icon" />
                {node.name}/
              </span>
              <Branch nodes={node.children} depth={props.depth + 1} onOpen={props.onOpen} />
            </>
          ) : (
            <button
              className="nb2prod-tree-file"
              title={`Open ${node.path}`}
              onClick={() => props.onOpen(node.path as string)}
            >
              <fileIcon.react tag="span" className="nb2prod-tree-icon" />
              {node.name}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The files of a generated package; each one opens on click or Enter. */
export function FileTree(props: {
  files: readonly string[];
  onOpen: (path: string) => void;
}): JSX.Element {
  return <Branch nodes={buildTree(props.files)} depth={0} onOpen={props.onOpen} />;
}
