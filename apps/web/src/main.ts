import { CounterHandle, LocalStorageOutboxStorage, TandemClient } from '@tandem/sdk';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const DOC_ID = new URLSearchParams(location.search).get('doc') ?? 'welcome';

async function signIn(name: string): Promise<{ token: string; name: string }> {
  const res = await fetch('/auth/dev-sign-in', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
  if (!res.ok) throw new Error((await res.json().catch(() => ({ message: res.statusText }))).message ?? 'sign-in failed');
  return res.json();
}

function render(counter: CounterHandle) {
  $('value').textContent = String(counter.value);
  $('pending').textContent = counter.pending ? `${counter.pending} of your clicks on the way…` : 'all your clicks are saved';
  const canEdit = !counter.kicked && (counter.role === 'editor' || counter.role === 'owner');
  ($('increment') as HTMLButtonElement).disabled = !canEdit;
  $('role').textContent = counter.kicked ? '' : `· you are ${counter.role}`;
  if (counter.kicked) $('counter-error').textContent = counter.kicked.message;
}

async function start(session: { token: string; name: string }) {
  $('sign-in').hidden = true;
  $('counter').hidden = false;
  $('doc-name').textContent = `“${DOC_ID}”`;
  $('who').textContent = `· signed in as ${session.name}`;
  // One outbox per tab (kept across reloads of that tab), so tabs never overwrite each other's queue.
  const tab = sessionStorage.getItem('tandem.tab') ?? crypto.randomUUID();
  sessionStorage.setItem('tandem.tab', tab);
  const link = new URLSearchParams(location.search).get('link') ?? undefined;
  const client = new TandemClient({ url: location.origin, getToken: () => session.token, outbox: new LocalStorageOutboxStorage(`tandem.outbox.${tab}`) });
  const pill = $('connection');
  const showState = (s: string) => {
    pill.dataset.state = s;
    pill.textContent = s;
  };
  showState(client.state);
  client.onStateChange(showState);
  try {
    client.onKicked((_, message) => ($('counter-error').textContent = message));
    const counter = await client.counter(DOC_ID, { link });
    render(counter);
    counter.onChange(render);
    $('increment').addEventListener('click', () => {
      counter.increment(1).catch((e: Error) => ($('counter-error').textContent = e.message));
    });
  } catch (e) {
    $('counter-error').textContent = (e as Error).message;
    if (/token/i.test((e as Error).message)) sessionStorage.removeItem('tandem.session');
  }
}

const saved = sessionStorage.getItem('tandem.session');
if (saved) void start(JSON.parse(saved));

$('sign-in-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  try {
    const session = await signIn(($('name') as HTMLInputElement).value);
    sessionStorage.setItem('tandem.session', JSON.stringify(session));
    await start(session);
  } catch (error) {
    $('sign-in-error').textContent = (error as Error).message;
  }
});
