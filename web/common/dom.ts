type Child = Node | string | null | undefined | false;

/** An element with attributes and children; text is always set as text, never parsed as HTML. */
export function h(tag: string, attrs: Record<string, string | ((e: Event) => void)> = {}, ...children: Child[]) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else el.setAttribute(name, value);
  }
  for (const child of children) if (child) el.append(child);
  return el;
}

/** A labelled input: the label names it for screen readers too. */
export function field(id: string, label: string, attrs: Record<string, string> = {}) {
  const input = h('input', { id, name: id, ...attrs }) as HTMLInputElement;
  return { input, nodes: [h('label', { for: id }, label), input] };
}

export function show(...nodes: Child[]) {
  const view = document.getElementById('view')!;
  view.replaceChildren(...nodes.filter((n): n is Node | string => Boolean(n)));
}
