// One upload's row: name, progress bar, percent, what is happening in words, and the buttons that fit
// the state (Pause and Cancel while uploading, Resume when paused, Retry when it failed). The state is
// announced to screen readers (`announce`, an aria-live region), and so is every quarter of progress.
// A button that disappears hands the keyboard focus to its row's next one, never to the page's top.

import { explain } from './messages.mjs';

const ACTIONS = { uploading: ['Pause', 'Cancel'], paused: ['Resume', 'Cancel'], failed: ['Retry', 'Cancel'], ready: [], done: [], cancelled: [] };

/** Makes the row for `job` (upload-job.mjs); returns it and `update`, to call on each change. */
export function uploadRow(job, announce) {
  const row = document.createElement('li');
  row.innerHTML = '<span class="name"></span><progress max="100" value="0"></progress><span class="percent">0%</span>'
    + '<p class="status" tabindex="-1"></p><span class="actions"></span>';
  const [name, bar, percent, status, actions] = row.children;
  name.textContent = job.file.name;
  bar.setAttribute('aria-label', 'Uploading ' + job.file.name);
  let shownState = '';
  let lastQuarter = 0;
  let lastStatus = '';

  function update() {
    const value = job.state === 'done' ? 100 : Math.floor((job.sentBytes / Math.max(1, job.file.size)) * 100);
    bar.value = value;
    percent.textContent = job.state === 'failed' ? 'Failed' : value + '%';
    percent.className = 'percent' + (job.state === 'done' ? ' done' : job.state === 'failed' ? ' failed' : '');
    row.dataset.state = job.state;
    status.textContent = describe(job, value);
    if (job.state !== shownState || (job.state === 'cancelled' && status.textContent !== lastStatus)) {
      if (job.state !== shownState) showButtons();
      shownState = job.state;
      announce(job.file.name + ': ' + status.textContent);
    } else if (job.state === 'uploading' && Math.floor(value / 25) > lastQuarter) {
      announce(job.file.name + ': ' + value + '% uploaded');
    }
    lastQuarter = Math.floor(value / 25);
    lastStatus = status.textContent;
  }

  function showButtons() {
    const hadFocus = actions.contains(document.activeElement);
    actions.textContent = '';
    for (const label of ACTIONS[job.state]) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = label === 'Cancel' ? 'danger' : 'secondary';
      button.textContent = label;
      button.setAttribute('aria-label', label + ' ' + job.file.name);
      button.addEventListener('click', () => (label === 'Pause' ? job.pause() : label === 'Cancel' ? job.cancel() : job.start()));
      actions.append(button);
    }
    if (hadFocus) (actions.firstElementChild ?? status).focus();
  }

  update();
  return { row, update };
}

function describe(job, percent) {
  const partsText = job.parts > 1 ? ' (' + job.doneParts + ' of ' + job.parts + ' parts)' : '';
  switch (job.state) {
    case 'uploading':
      return job.resumedParts > 0
        ? 'Resumed: ' + job.resumedParts + ' of ' + job.parts + ' parts were already stored. Uploading' + partsText + '.'
        : 'Uploading' + partsText + '.';
    case 'paused':
      return job.parts > 1 ? 'Paused at ' + percent + '%' + partsText + '. Resume continues from there.' : 'Paused. Resume sends it again from the start (small files go in one piece).';
    case 'failed':
      return 'Upload failed: ' + explain(job.error) + (job.parts > 1 ? ' Finished parts are kept: Retry sends only the rest.' : '');
    case 'done':
      return 'Uploaded.';
    case 'cancelled':
      if (job.cleanupError) return 'Cancelled, but the parts already sent could not be removed from storage: ' + explain(job.cleanupError);
      if (!job.cleanedUp) return 'Cancelling...';
      return job.parts > 1 ? 'Cancelled. Nothing of it is left in storage.' : 'Cancelled.';
    default:
      return 'Waiting.';
  }
}
