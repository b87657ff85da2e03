// The API reference page (/api/docs, its own bundle): renders /api/openapi.json and /api/asyncapi.json
// as plain HTML, one section per tag and per socket namespace, each request schema as JSON.
import './api-docs.css';

type Json = Record<string, unknown>;

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};

function schemaBlock(label: string, schema: unknown): HTMLElement {
  const d = el('details');
  d.append(el('summary', label), el('pre', JSON.stringify(schema, null, 2)));
  return d;
}

function renderHttp(doc: Json, root: HTMLElement): void {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, HTMLElement>();
  for (const t of doc.tags as Array<{ name: string }>) {
    const s = el('section');
    s.append(el('h3', t.name));
    byTag.set(t.name, s);
  }
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const card = el('article', undefined, 'op');
      const h = el('h4');
      h.append(el('span', method.toUpperCase(), `method ${method}`), el('code', path));
      card.append(h, el('p', String(op.summary ?? '')));
      if (op.security)
        card.append(el('p', `Auth: ${(op.security as Json[]).map((s) => Object.keys(s).join(', ')).join(' or ')} (Authorization: Bearer …)`, 'auth'));
      const params = (op.parameters ?? []) as Json[];
      if (params.length > 0) {
        const list = el('ul');
        for (const p of params)
          list.append(el('li', `${String(p.name)} (${String(p.in)}${p.required ? ', required' : ''})${p.description ? `: ${String(p.description)}` : ''}`));
        card.append(list);
      }
      const body = op.requestBody as Json | undefined;
      if (body) for (const [type, c] of Object.entries(body.content as Record<string, Json>)) card.append(schemaBlock(`Body (${type})`, c.schema));
      const answers = el('ul', undefined, 'answers');
      for (const [status, r] of Object.entries(op.responses as Record<string, Json>)) answers.append(el('li', `${status}: ${String(r.description)}`));
      card.append(answers);
      byTag.get(((op.tags as string[]) ?? [])[0] ?? '')?.append(card);
    }
  }
  for (const s of byTag.values()) root.append(s);
}

function renderSockets(doc: Json, root: HTMLElement): void {
  const channels = doc.channels as Record<string, Json>;
  const operations = doc.operations as Record<string, Json>;
  for (const [id, ch] of Object.entries(channels)) {
    const s = el('section');
    s.append(el('h3', `Namespace ${String(ch.address)}`), el('p', String(ch.description ?? '')));
    const messages = ch.messages as Record<string, Json>;
    for (const op of Object.values(operations)) {
      if ((op.channel as Json).$ref !== `#/channels/${id}`) continue;
      const ref = String(((op.messages as Json[])[0] as Json).$ref);
      const m = messages[ref.split('/').pop() ?? ''];
      if (!m) continue;
      const card = el('article', undefined, 'op');
      const h = el('h4');
      h.append(el('span', op.action === 'send' ? 'server → client' : 'client → server', `method ${String(op.action)}`), el('code', String(m.name)));
      card.append(h, el('p', String(m.summary ?? '')), schemaBlock('Payload', m.payload));
      s.append(card);
    }
    root.append(s);
  }
}

async function main(): Promise<void> {
  const app = document.getElementById('app')!;
  try {
    const [http, sockets] = await Promise.all(['/api/openapi.json', '/api/asyncapi.json'].map(async (u) => (await fetch(u)).json() as Promise<Json>));
    app.replaceChildren();
    const info = http!.info as Json;
    app.append(el('h1', 'API reference'), el('p', `${String(info.title)} ${String(info.version)} — machine-readable: `));
    const links = app.lastElementChild!;
    for (const [href, label] of [
      ['/api/openapi.json', 'OpenAPI 3.1'],
      ['/api/asyncapi.json', 'AsyncAPI 3'],
    ]) {
      const a = el('a', label);
      a.href = href!;
      links.append(a, ' ');
    }
    app.append(el('h2', 'HTTP'));
    renderHttp(http!, app);
    app.append(el('h2', 'Sockets (Socket.IO v4)'));
    renderSockets(sockets!, app);
  } catch (err) {
    app.append(el('p', `Could not load the descriptions: ${String(err)}`, 'error'));
  }
}

void main();
