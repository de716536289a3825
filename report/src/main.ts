// The campaign report page: the selection form, shareable links, and one run per "Show report"
// that loads every campaign through the public GraphQL API and renders answers as they arrive.
import { GraphQLClient, loadCampaignBatch, loadHistoryBatch, probeCapabilities, type Capabilities } from './api.js';
import { appOptions, defaultVendorApps, loadApps, type VendorApps } from './apps.js';
import { loadSummary, RecentView, SelectionSummaryView, type RecentCampaign } from './discovery.js';
import { h, uid } from './dom.js';
import { emptySelection, parseIdFile, parseIds, selectionFromUrl, selectionSize, shareUrl, type Selection } from './ids.js';
import {
  defaultAppChoice,
  progressOf,
  VENDOR_ID_NAME,
  VENDOR_LABEL,
  VENDORS,
  type AppChoice,
  type CampaignEntry,
  type CampaignState,
  type HistoryState,
  type Vendor,
} from './model.js';
import { ReportView } from './report-view.js';
import { runReport, type Loader } from './runner.js';

const KEY_STORAGE = 'pushgraph.report.apiKey';

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`#${id} is missing from the page`);
  return element;
}

const form = byId('selection-form', HTMLFormElement);
const checkboxes = byId('vendor-checkboxes', HTMLDivElement);
const idInputs = byId('id-inputs', HTMLDivElement);
const apiKeyBox = byId('api-key-box', HTMLDetailsElement);
const apiKeyInput = byId('api-key', HTMLInputElement);
const retryButton = byId('retry', HTMLButtonElement);
const formMessage = byId('form-message', HTMLParagraphElement);
const share = byId('share', HTMLParagraphElement);
const shareLink = byId('share-link', HTMLAnchorElement);
const copyButton = byId('copy-link', HTMLButtonElement);
const copyStatus = byId('copy-status', HTMLSpanElement);
const progressText = byId('progress', HTMLParagraphElement);
const progressBar = byId('progress-bar', HTMLProgressElement);
const reportRoot = byId('report', HTMLDivElement);
const recentRoot = byId('recent-campaigns', HTMLDivElement);

const client = new GraphQLClient(new URL('/graphql', location.href).href, () => sessionStorage.getItem(KEY_STORAGE));

interface VendorControls {
  checkbox: HTMLInputElement;
  group: HTMLElement;
  appField: HTMLElement;
  app: HTMLSelectElement;
  textarea: HTMLTextAreaElement;
  fileStatus: HTMLElement;
}

/** The server's apps per vendor (default only until /health answers, or when it cannot be read). */
let knownApps: VendorApps = defaultVendorApps();
/** The app each vendor's ids are read in: the pickers' state, and what links carry. */
const chosenApps: AppChoice = defaultAppChoice();

/** One checkbox, one app picker and one id box (with a file upload) per vendor. */
function buildVendorControls(): Record<Vendor, VendorControls> {
  const entries = VENDORS.map((vendor): [Vendor, VendorControls] => {
    const checkbox = h('input', { type: 'checkbox', name: 'vendor', value: vendor });
    checkboxes.append(h('label', { class: 'checkbox' }, checkbox, ` ${VENDOR_LABEL[vendor]}`));
    const appId = uid('app');
    const app = h('select', { id: appId });
    const appField = h('div', { class: 'app-picker' }, h('label', { for: appId }, `${VENDOR_LABEL[vendor]} app`), app);
    app.addEventListener('change', () => (chosenApps[vendor] = app.value));
    const textareaId = uid('ids');
    const fileId = uid('file');
    const textarea = h('textarea', { id: textareaId, rows: 4, spellcheck: 'false', autocomplete: 'off', 'aria-describedby': 'ids-help' });
    const file = h('input', { id: fileId, type: 'file', accept: '.txt,.csv,text/plain,text/csv', class: 'file' });
    const fileStatus = h('span', { class: 'muted', role: 'status' });
    const group = h(
      'div',
      { class: 'id-group', 'data-vendor': vendor },
      appField,
      h('label', { for: textareaId }, `${VENDOR_LABEL[vendor]} ${VENDOR_ID_NAME[vendor]}`),
      textarea,
      h('div', { class: 'upload' }, h('label', { for: fileId }, 'Or upload a .txt or .csv file'), file, fileStatus),
    );
    idInputs.append(group);
    checkbox.addEventListener('change', () => {
      group.hidden = !checkbox.checked;
    });
    file.addEventListener('change', () => {
      const chosen = file.files?.[0];
      if (!chosen) return;
      void chosen.text().then((text) => {
        const ids = parseIdFile(text);
        textarea.value = [...new Set([...parseIds(textarea.value), ...ids])].join('\n');
        fileStatus.textContent = `${ids.length} ids read from ${chosen.name}.`;
        file.value = '';
      });
    });
    return [vendor, { checkbox, group, appField, app, textarea, fileStatus }];
  });
  return Object.fromEntries(entries) as Record<Vendor, VendorControls>;
}

const controls = buildVendorControls();

/**
 * A vendor's picker: its apps, default first, on the chosen one. With one app there is nothing to
 * choose, so no control at all: a disabled one would only add a stop for the keyboard and screen
 * readers, and single-app servers keep the page they had.
 */
function showApps(vendor: Vendor): void {
  const { app, appField } = controls[vendor];
  const options = appOptions(knownApps[vendor], chosenApps[vendor]);
  app.replaceChildren(...options.map((name) => h('option', { value: name }, name)));
  app.value = chosenApps[vendor];
  appField.hidden = options.length < 2;
}

/**
 * Campaigns picked from the recent list join the ids in the form. Picks of another app than the
 * vendor's picker switch the picker to it and replace the box's ids, which belonged to the other app.
 */
function addToSelection(campaigns: readonly RecentCampaign[]): void {
  for (const vendor of VENDORS) {
    const picked = campaigns.filter((campaign) => campaign.vendor === vendor);
    const first = picked[0];
    if (!first) continue;
    const ids = picked.map((campaign) => campaign.id);
    const { checkbox, group, textarea, fileStatus } = controls[vendor];
    checkbox.checked = true;
    group.hidden = false;
    if (first.app === chosenApps[vendor]) {
      textarea.value = [...new Set([...parseIds(textarea.value), ...ids])].join('\n');
      continue;
    }
    if (parseIds(textarea.value).length > 0) fileStatus.textContent = `Now app ${first.app}: its ids replace those of app ${chosenApps[vendor]}.`;
    chosenApps[vendor] = first.app;
    showApps(vendor);
    textarea.value = ids.join('\n');
  }
}

const recent = new RecentView(client, addToSelection);
recentRoot.append(recent.root);

function showSelection(selection: Selection, vendors: readonly Vendor[], apps: AppChoice): void {
  Object.assign(chosenApps, apps);
  for (const vendor of VENDORS) {
    const { checkbox, group, textarea } = controls[vendor];
    checkbox.checked = vendors.includes(vendor) || selection[vendor].length > 0;
    group.hidden = !checkbox.checked;
    textarea.value = selection[vendor].join('\n');
    showApps(vendor);
  }
}

function readSelection(): Selection {
  const selection = emptySelection();
  for (const vendor of VENDORS) {
    if (controls[vendor].checkbox.checked) selection[vendor] = parseIds(controls[vendor].textarea.value);
  }
  return selection;
}

interface Run {
  abort: AbortController;
  /** The apps as chosen when the report started: later picks are the next report's. */
  apps: AppChoice;
  capabilities: Capabilities;
  entries: CampaignEntry[];
  view: ReportView;
  running: boolean;
}

/** The report on screen, and the controller of the newest "Show report" (which may still be probing). */
let current: Run | undefined;
let newest: AbortController | undefined;

function initialHistory(capabilities: Capabilities): HistoryState {
  return capabilities.history === 'none' ? { status: 'unsupported' } : { status: 'loading' };
}

const key = (vendor: Vendor, id: string): string => `${vendor}\u0000${id}`;

function showProgress(run: Run): void {
  const progress = progressOf(run.entries);
  const details = [
    progress.missing ? `${progress.missing} not found` : '',
    progress.failed ? `${progress.failed} failed` : '',
    progress.partial ? `${progress.partial} with missing figures` : '',
  ].filter(Boolean);
  const head = run.running ? `Loading: ${progress.settled} of ${progress.total} campaigns` : `${progress.settled} of ${progress.total} campaigns answered`;
  progressText.textContent = `${head}${details.length ? ` · ${details.join(' · ')}` : ''}.`;
  progressBar.hidden = false;
  progressBar.max = Math.max(progress.total, 1);
  progressBar.value = progress.settled;
  reportRoot.setAttribute('aria-busy', String(run.running));
  retryButton.hidden = run.running || progress.failed === 0;
}

/** Loads the given campaigns of a run (all of them, or the failed ones on retry). */
async function load(run: Run, selection: Selection): Promise<void> {
  const { signal } = run.abort;
  const byKey = new Map(run.entries.map((entry) => [key(entry.vendor, entry.id), entry]));
  const loader: Loader = {
    campaigns: (vendor, ids) => loadCampaignBatch(client, run.capabilities, vendor, run.apps[vendor], ids, signal),
    history:
      run.capabilities.history === 'separate' ? (vendor, ids) => loadHistoryBatch(client, vendor, run.apps[vendor], ids, signal) : undefined,
  };
  const apply = <S>(vendor: Vendor, ids: readonly string[], states: readonly S[], set: (entry: CampaignEntry, state: S) => void): void => {
    if (signal.aborted) return;
    const changed = ids.flatMap((id, i) => {
      const entry = byKey.get(key(vendor, id));
      const state = states[i];
      if (!entry || state === undefined) return [];
      set(entry, state);
      return [entry];
    });
    run.view.changedEntries(changed);
    showProgress(run);
  };
  run.running = true;
  showProgress(run);
  try {
    await runReport(selection, loader, {
      campaigns: (vendor, ids, states) => apply<CampaignState>(vendor, ids, states, (entry, state) => (entry.state = state)),
      history: (vendor, ids, states) => apply<HistoryState>(vendor, ids, states, (entry, state) => (entry.history = state)),
    });
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    if (!signal.aborted) {
      run.running = false;
      showProgress(run);
    }
  }
}

async function start(selection: Selection, apps: AppChoice): Promise<void> {
  formMessage.textContent = '';
  if (selectionSize(selection) === 0) {
    formMessage.textContent = 'Choose a vendor and paste at least one campaign id.';
    return;
  }
  const link = shareUrl(location.href, selection, apps);
  history.replaceState(null, '', link);
  shareLink.href = link;
  share.hidden = false;
  copyStatus.textContent = '';

  // A new report replaces the one on screen, and one still starting.
  newest?.abort();
  current?.view.dispose();
  current = undefined;
  reportRoot.replaceChildren();
  const abort = new AbortController();
  newest = abort;
  progressText.textContent = 'Connecting to the pushgraph API…';
  const probe = await probeCapabilities(client, abort.signal);
  if (abort.signal.aborted) return;
  if (!probe.ok) {
    progressText.textContent = 'No report: the API did not answer.';
    if (probe.unauthenticated) {
      formMessage.textContent = sessionStorage.getItem(KEY_STORAGE)
        ? 'The API key was not accepted: check it under “API key” and choose “Show report” again.'
        : 'This server needs an API key: enter it under “API key” and choose “Show report” again.';
      apiKeyBox.open = true;
      apiKeyInput.focus();
    } else {
      formMessage.textContent = `The pushgraph API could not be reached: ${probe.error.message}`;
    }
    return;
  }
  const entries = VENDORS.flatMap((vendor) =>
    selection[vendor].map(
      (id): CampaignEntry => ({ vendor, app: apps[vendor], id, state: { status: 'loading' }, history: initialHistory(probe.capabilities) }),
    ),
  );
  const view = new ReportView(entries, apps, probe.capabilities.history !== 'none');
  reportRoot.append(view.root);
  const run: Run = { abort, apps, capabilities: probe.capabilities, entries, view, running: false };
  current = run;
  await load(run, selection);
  if (abort.signal.aborted) return;
  // The selection as a whole, across vendors, as the server sums it (after the loads, so from the cache).
  const summary = new SelectionSummaryView();
  reportRoot.prepend(summary.root);
  const campaigns = VENDORS.flatMap((vendor) => selection[vendor].map((id) => ({ vendor, app: apps[vendor], id })));
  summary.update(await loadSummary(client, campaigns, abort.signal));
}

function retryFailed(): void {
  const run = current;
  if (!run || run.running) return;
  const selection = emptySelection();
  const retried = run.entries.filter((entry) => entry.state.status === 'failed');
  for (const entry of retried) {
    entry.state = { status: 'loading' };
    entry.history = initialHistory(run.capabilities);
    selection[entry.vendor].push(entry.id);
  }
  run.view.changedEntries(retried);
  load(run, selection).catch(failed);
}

/** A bug must not leave a blank page: say what happened where the results would be. */
function failed(error: unknown): void {
  // A report replaced by a newer one stops with an AbortError: nothing to say.
  if (error instanceof DOMException && error.name === 'AbortError') return;
  progressText.textContent = `The report stopped: ${error instanceof Error ? error.message : String(error)}`;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  start(readSelection(), { ...chosenApps }).catch(failed);
});
retryButton.addEventListener('click', retryFailed);

apiKeyInput.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
apiKeyInput.addEventListener('input', () => {
  const value = apiKeyInput.value.trim();
  if (value) sessionStorage.setItem(KEY_STORAGE, value);
  else sessionStorage.removeItem(KEY_STORAGE);
});
apiKeyInput.addEventListener('change', () => void recent.reload());

copyButton.addEventListener('click', () => {
  navigator.clipboard.writeText(shareLink.href).then(
    () => (copyStatus.textContent = 'Link copied.'),
    () => (copyStatus.textContent = 'Copying is not allowed here: copy the link above instead.'),
  );
});

void recent.reload();

// A shared link (?vendor=JPUSH&app=news&ids=…) opens straight on its report, in its apps.
const fromUrl = selectionFromUrl(location);
showSelection(fromUrl.selection, fromUrl.vendors.length > 0 ? fromUrl.vendors : ['JPUSH'], fromUrl.apps);
if (selectionSize(fromUrl.selection) > 0) start(fromUrl.selection, fromUrl.apps).catch(failed);

// The pickers fill in when /health answers; until then (or if it never does) every vendor reads its default app.
void loadApps(new URL('/health', location.href).href).then((apps) => {
  knownApps = apps;
  for (const vendor of VENDORS) showApps(vendor);
  recent.setApps(apps);
});
