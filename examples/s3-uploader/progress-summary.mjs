// One line under the Dashboard for the whole batch: bytes sent of the total of every file, the speed,
// and the time left ("4.2 MB of 12.0 MB · 1.3 MB/s · about 6 s left"). Uppy's status bar shows the
// bytes and the time left; the speed is this line's. The speed is measured over the last 5 seconds.

import { formatSize } from './format.mjs';

const WINDOW_MS = 5000;

/** @param {{ uppy: object, element: HTMLElement }} options */
export function progressSummary({ uppy, element }) {
  let samples = []; // [time, bytes sent]

  function render() {
    const files = uppy.getFiles().filter((file) => file.progress.uploadStarted);
    const total = files.reduce((sum, file) => sum + (file.progress.bytesTotal || file.size || 0), 0);
    const sent = files.reduce((sum, file) => sum + (file.progress.uploadComplete ? file.progress.bytesTotal || file.size || 0 : file.progress.bytesUploaded || 0), 0);
    if (files.length === 0) return void (element.textContent = '');
    if (files.every((file) => file.progress.uploadComplete)) {
      samples = [];
      element.textContent = (files.length === 1 ? '1 file' : files.length + ' files') + ' uploaded (' + formatSize(total) + ').';
      return;
    }
    const now = Date.now();
    samples = [...samples.filter(([time]) => now - time <= WINDOW_MS), [now, sent]];
    const [firstTime, firstBytes] = samples[0];
    const speed = now > firstTime ? ((sent - firstBytes) * 1000) / (now - firstTime) : 0;
    const left = speed > 0 ? Math.ceil((total - sent) / speed) : undefined;
    element.textContent = formatSize(sent) + ' of ' + formatSize(total) + ' sent' + (speed > 0 ? ' \u00b7 ' + formatSize(speed) + '/s \u00b7 about ' + timeText(left) + ' left' : '');
  }

  // Every change of Uppy's state: progress, a file done, failed, removed, the finished ones cleared.
  uppy.on('state-update', render);
  return { stop() { uppy.off('state-update', render); } };
}

function timeText(seconds) {
  if (seconds < 60) return seconds + ' s';
  if (seconds < 3600) return Math.round(seconds / 60) + ' min';
  return Math.round(seconds / 360) / 10 + ' h';
}
