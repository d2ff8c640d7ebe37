// One line under the Dashboard for the whole batch: bytes sent of the total of every file, the speed,
// and the time left ("4.2 MB of 12.0 MB · 1.3 MB/s · about 6 s left"); "paused", or "1 of 2 files
// uploaded · 1 failed", when nothing is moving. Uppy's status bar shows the bytes and the time left; the
// speed is this line's. The speed is measured over the last 5 seconds (none sent: no speed, no time left).

import { formatSize } from './format.mjs';

const WINDOW_MS = 5000;

/** @param {{ uppy: object, element: HTMLElement }} options */
export function progressSummary({ uppy, element }) {
  let samples = []; // [time, bytes sent]

  function render() {
    const files = uppy.getFiles().filter((file) => file.progress.uploadStarted);
    if (files.length === 0) return void (element.textContent = '');
    const done = files.filter((file) => file.progress.uploadComplete);
    const total = files.reduce((sum, file) => sum + (file.progress.bytesTotal || file.size || 0), 0);
    if (done.length === files.length) {
      samples = [];
      element.textContent = (files.length === 1 ? '1 file' : files.length + ' files') + ' uploaded (' + formatSize(total) + ').';
      return;
    }
    // A failed or paused file sends nothing: no speed, no time left (nor a speed measured across the pause).
    const failed = files.filter((file) => file.error && !file.progress.uploadComplete).length;
    const moving = files.some((file) => !file.progress.uploadComplete && !file.error && !file.isPaused);
    if (!moving) {
      samples = [];
      element.textContent = failed > 0 ? done.length + ' of ' + files.length + ' files uploaded \u00b7 ' + failed + ' failed' : sentText(files, total) + ' \u00b7 paused';
      return;
    }
    const sent = sentBytes(files);
    const now = Date.now();
    samples = [...samples.filter(([time]) => now - time <= WINDOW_MS), [now, sent]];
    const [firstTime, firstBytes] = samples[0];
    const speed = now > firstTime ? ((sent - firstBytes) * 1000) / (now - firstTime) : 0;
    const left = speed > 0 ? Math.ceil((total - sent) / speed) : undefined;
    element.textContent = sentText(files, total) + (speed > 0 ? ' \u00b7 ' + formatSize(speed) + '/s \u00b7 about ' + timeText(left) + ' left' : '');
  }

  // Every change of Uppy's state: progress, a file done, failed, removed, the finished ones cleared.
  uppy.on('state-update', render);
  // And every second: a part that stops sending changes no state, and its speed must fall to nothing
  // (then no time left is claimed) rather than stay at its last figure.
  const timer = setInterval(render, 1000);
  return { stop() { clearInterval(timer); uppy.off('state-update', render); } };
}

function sentBytes(files) {
  return files.reduce((sum, file) => sum + (file.progress.uploadComplete ? file.progress.bytesTotal || file.size || 0 : file.progress.bytesUploaded || 0), 0);
}

function sentText(files, total) {
  return formatSize(sentBytes(files)) + ' of ' + formatSize(total) + ' sent';
}

function timeText(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  return Math.round(seconds / 360) / 10 + ' h';
}
